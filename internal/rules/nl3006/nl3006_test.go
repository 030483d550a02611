package nl3006_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3006"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3006.Rule()) }
