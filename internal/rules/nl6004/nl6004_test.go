package nl6004_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rules/internal/deptest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl6004"
)

func TestRule(t *testing.T) { deptest.Run(t, "testdata", nl6004.Rule()) }
