package nl4023_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4023"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4023.Rule()) }
