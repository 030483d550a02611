package nl4110_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4110"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4110.Rule()) }
