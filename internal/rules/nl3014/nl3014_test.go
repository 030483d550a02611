package nl3014_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3014"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3014.Rule()) }
