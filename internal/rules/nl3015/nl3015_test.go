package nl3015_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3015"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3015.Rule()) }
