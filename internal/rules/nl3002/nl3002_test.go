package nl3002_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3002"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3002.Rule()) }
