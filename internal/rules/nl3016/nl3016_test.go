package nl3016_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3016"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3016.Rule()) }
