package nl4007_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4007"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4007.Rule()) }
