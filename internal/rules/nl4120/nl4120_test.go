package nl4120_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4120"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4120.Rule()) }
