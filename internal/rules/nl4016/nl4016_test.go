package nl4016_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl4016"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl4016.Rule()) }
