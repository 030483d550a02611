package nl1010_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1010"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1010.Rule()) }
