package sam

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/load"
)

// FuzzLoad loads arbitrary bytes as a SAM template: it must never panic
// (Load turns a panic into an "internal error"), and every error must be
// positioned. The corpus is seeded from every testdata template.
func FuzzLoad(f *testing.F) {
	archives, _ := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	for _, a := range archives {
		ar, err := txtar.ParseFile(a)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			f.Add(file.Data)
		}
	}
	for _, p := range []string{"../../../examples/orders-api/template.yaml", "testdata/sameapp/template.yaml"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events: 3\n"))
	f.Add([]byte("Transform: AWS::Serverless-2016-10-31\nGlobals: [1]\nResources: {}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := load.Limits{MaxFileBytes: 1 << 20, MaxNodes: 100_000, MaxResolveSteps: 100_000}
		st, err := Load(context.Background(), load.Unit{Path: "fuzz.yaml", Files: []load.File{{Path: "fuzz.yaml", Data: data}}}, load.Options{Limits: limits})
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("panic while loading: %v", err)
			}
			if !load.PosOf(err).IsValid() {
				t.Fatalf("error without position: %v", err)
			}
		}
		if st != nil {
			st.Sort()
		}
	})
}
