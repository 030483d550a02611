package nl3017_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3017"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3017.Rule()) }
