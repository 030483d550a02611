package nl3004_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3004"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3004.Rule()) }
