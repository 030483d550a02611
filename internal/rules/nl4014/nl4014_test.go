package nl4014_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4014"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4014.Rule()) }
