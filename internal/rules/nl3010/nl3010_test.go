package nl3010_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3010"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3010.Rule()) }
