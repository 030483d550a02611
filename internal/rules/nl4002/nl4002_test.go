package nl4002_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4002"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4002.Rule()) }
