package nl1024_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1024"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1024.Rule()) }
