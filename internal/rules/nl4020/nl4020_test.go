package nl4020_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4020"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4020.Rule()) }
