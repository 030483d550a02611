package nl6003_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rules/internal/deptest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl6003"
)

func TestRule(t *testing.T) { deptest.Run(t, "testdata", nl6003.Rule()) }
