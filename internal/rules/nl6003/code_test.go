//go:build cgo

package nl6003_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rules/internal/deptest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl6003"
)

// TestRuleWithCode runs the cases that need the handler-code analysis
// (the import graph), which needs cgo.
func TestRuleWithCode(t *testing.T) { deptest.Run(t, "testdata/code", nl6003.Rule()) }
