package nl6006_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rules/internal/deptest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl6006"
)

func TestRule(t *testing.T) { deptest.Run(t, "testdata", nl6006.Rule()) }
