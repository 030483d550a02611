package nl1025_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1025"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1025.Rule()) }
