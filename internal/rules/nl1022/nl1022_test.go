package nl1022_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl1022"
)

func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl1022.Rule()) }
