package nl4102_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4102"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4102.Rule()) }
