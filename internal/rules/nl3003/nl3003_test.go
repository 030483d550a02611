package nl3003_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3003"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3003.Rule()) }
