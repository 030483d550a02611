package nl1040_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1040"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1040.Rule()) }
