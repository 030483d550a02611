package nl4106_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4106"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4106.Rule()) }
