package nl5001_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl5001"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl5001.Rule()) }
