package nl1006_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1006"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1006.Rule()) }
