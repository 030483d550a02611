package nl1011_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1011"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1011.Rule()) }
