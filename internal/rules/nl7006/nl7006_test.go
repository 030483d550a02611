//go:build cgo

package nl7006_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rule/ruletest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl7006"
)

// The cases need the handler-code analysis, which needs cgo.
func TestRule(t *testing.T) { ruletest.Run(t, "testdata", nl7006.Rule()) }
