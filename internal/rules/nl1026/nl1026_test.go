package nl1026_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1026"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1026.Rule()) }
