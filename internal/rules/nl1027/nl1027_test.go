package nl1027_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1027"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1027.Rule()) }
