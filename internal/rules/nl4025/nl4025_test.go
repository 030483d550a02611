package nl4025_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4025"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4025.Rule()) }
