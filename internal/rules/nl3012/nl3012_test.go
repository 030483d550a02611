package nl3012_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3012"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3012.Rule()) }
