package nl5010_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl5010"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl5010.Rule()) }
