package nl3011_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3011"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3011.Rule()) }
