package nl6001_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl6001"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl6001.Rule()) }
