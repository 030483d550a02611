package nl4006_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4006"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4006.Rule()) }
