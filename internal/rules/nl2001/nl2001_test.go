package nl2001_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl2001"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl2001.Rule()) }
