package nl4105_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4105"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4105.Rule()) }
