package nl4018_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4018"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4018.Rule()) }
