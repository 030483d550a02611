package nl4003_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4003"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4003.Rule()) }
