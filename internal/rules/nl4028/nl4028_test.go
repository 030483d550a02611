package nl4028_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4028"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4028.Rule()) }
