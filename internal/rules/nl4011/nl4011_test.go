package nl4011_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4011"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4011.Rule()) }
