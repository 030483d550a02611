package nl4104_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4104"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4104.Rule()) }
