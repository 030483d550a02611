package nl1008_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1008"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1008.Rule()) }
