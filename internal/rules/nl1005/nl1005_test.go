package nl1005_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1005"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1005.Rule()) }
