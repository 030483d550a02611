package nl1041_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1041"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1041.Rule()) }
