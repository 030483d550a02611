package nl3040_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3040"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3040.Rule()) }
