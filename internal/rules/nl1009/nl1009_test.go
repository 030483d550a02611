package nl1009_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1009"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1009.Rule()) }
