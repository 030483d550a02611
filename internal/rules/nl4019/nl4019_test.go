package nl4019_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4019"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4019.Rule()) }
