package nl5003_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl5003"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl5003.Rule()) }
