package nl1007_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1007"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1007.Rule()) }
