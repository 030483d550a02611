package nl2003_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl2003"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl2003.Rule()) }
