package nl4061_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4061"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4061.Rule()) }
