package nl1004_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1004"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1004.Rule()) }
