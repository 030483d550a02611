package nl3020_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3020"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3020.Rule()) }
