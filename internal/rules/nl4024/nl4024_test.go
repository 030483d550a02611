package nl4024_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4024"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4024.Rule()) }
