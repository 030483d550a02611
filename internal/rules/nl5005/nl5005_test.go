package nl5005_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl5005"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl5005.Rule()) }
