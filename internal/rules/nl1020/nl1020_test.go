package nl1020_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1020"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1020.Rule()) }
