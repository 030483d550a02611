package nl4026_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4026"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4026.Rule()) }
