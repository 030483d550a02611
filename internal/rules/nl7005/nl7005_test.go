//go:build cgo

package nl7005_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl7005"
)

// The cases need the handler-code analysis, which needs cgo.
func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl7005.Rule()) }
