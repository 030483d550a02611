package nl5002_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl5002"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl5002.Rule()) }
