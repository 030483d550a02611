//go:build cgo

package nl7001_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl7001"
)

// The cases need the handler-code analysis, which needs cgo.
func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl7001.Rule()) }
