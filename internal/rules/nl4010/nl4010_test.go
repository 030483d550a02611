package nl4010_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4010"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4010.Rule()) }
