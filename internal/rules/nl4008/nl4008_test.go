package nl4008_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4008"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4008.Rule()) }
