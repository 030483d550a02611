package nl3005_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl3005"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl3005.Rule()) }
