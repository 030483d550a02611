package nl3001_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3001"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3001.Rule()) }
