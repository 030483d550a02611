package nl6002_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl6002"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl6002.Rule()) }
