package nl4015_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4015"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4015.Rule()) }
