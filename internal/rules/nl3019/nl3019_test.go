package nl3019_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3019"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3019.Rule()) }
