package nl3018_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3018"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3018.Rule()) }
