package nl1023_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1023"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1023.Rule()) }
