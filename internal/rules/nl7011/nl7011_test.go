//go:build cgo

package nl7011_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl7011"
)

// The cases need the handler-code analysis, which needs cgo.
func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl7011.Rule()) }
