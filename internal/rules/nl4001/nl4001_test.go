package nl4001_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4001"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4001.Rule()) }
