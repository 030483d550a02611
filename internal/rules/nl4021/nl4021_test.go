package nl4021_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4021"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4021.Rule()) }
