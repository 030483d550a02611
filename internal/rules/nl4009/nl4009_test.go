package nl4009_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4009"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4009.Rule()) }
