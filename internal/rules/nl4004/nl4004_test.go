package nl4004_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4004"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4004.Rule()) }
