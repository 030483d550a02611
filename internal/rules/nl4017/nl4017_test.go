package nl4017_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4017"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4017.Rule()) }
