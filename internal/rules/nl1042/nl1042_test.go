package nl1042_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1042"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1042.Rule()) }
