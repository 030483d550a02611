package nl4012_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4012"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4012.Rule()) }
