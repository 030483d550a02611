package nl3009_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3009"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3009.Rule()) }
