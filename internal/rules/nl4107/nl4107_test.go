package nl4107_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4107"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4107.Rule()) }
