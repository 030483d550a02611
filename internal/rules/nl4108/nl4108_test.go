package nl4108_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4108"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4108.Rule()) }
