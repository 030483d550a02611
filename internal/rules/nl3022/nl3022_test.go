package nl3022_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3022"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3022.Rule()) }
