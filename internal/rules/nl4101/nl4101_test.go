package nl4101_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4101"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4101.Rule()) }
