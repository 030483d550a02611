package nl1001_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1001"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1001.Rule()) }
