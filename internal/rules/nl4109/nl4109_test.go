package nl4109_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4109"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4109.Rule()) }
