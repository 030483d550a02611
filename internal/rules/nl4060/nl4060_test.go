package nl4060_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4060"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4060.Rule()) }
