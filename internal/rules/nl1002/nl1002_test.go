package nl1002_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1002"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1002.Rule()) }
