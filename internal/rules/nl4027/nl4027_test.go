package nl4027_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4027"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4027.Rule()) }
