package nl5004_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl5004"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl5004.Rule()) }
