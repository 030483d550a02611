package nl3013_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3013"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3013.Rule()) }
