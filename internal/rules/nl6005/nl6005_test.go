package nl6005_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rules/internal/deptest"
	"github.com/nightlight-sec/nightlight/internal/rules/nl6005"
)

func TestRule(t *testing.T) { deptest.Run(t, "testdata", nl6005.Rule()) }
