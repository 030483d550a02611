package nl3041_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3041"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3041.Rule()) }
