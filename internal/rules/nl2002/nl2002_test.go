package nl2002_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl2002"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl2002.Rule()) }
