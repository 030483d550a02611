package nl4013_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4013"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4013.Rule()) }
