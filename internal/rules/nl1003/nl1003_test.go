package nl1003_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1003"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1003.Rule()) }
