package nl3008_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3008"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3008.Rule()) }
