package nl3007_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3007"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3007.Rule()) }
