package nl4022_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4022"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4022.Rule()) }
