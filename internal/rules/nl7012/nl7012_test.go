//go:build cgo

package nl7012_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl7012"
)

// The cases need the handler-code analysis, which needs cgo.
func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl7012.Rule()) }
