package nl4103_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4103"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4103.Rule()) }
