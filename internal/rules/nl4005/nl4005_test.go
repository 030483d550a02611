package nl4005_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4005"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4005.Rule()) }
