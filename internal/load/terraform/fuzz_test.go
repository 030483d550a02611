package terraform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// FuzzLoadHCL feeds arbitrary HCL (or, when it starts with '{', Terraform
// JSON) to Load as a one-file module: it must
// never panic, must finish, and must report bad input as a positioned
// *load.Error.
func FuzzLoadHCL(f *testing.F) {
	_ = filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tf.json")) {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	f.Add([]byte(`locals { a = [for i in range(100000) : i] }` + "\n" + `resource "aws_sqs_queue" "q" { name = length(local.a) }`))
	f.Add([]byte(`resource "aws_sqs_queue" "q" { for_each = toset(["a","b"]) name = each.key }`))
	f.Add([]byte(`resource "x" "y" { dynamic "b" { for_each = range(3) content { v = b.value } } }`))
	f.Add([]byte(`resource "aws_ssm_parameter" "p" { value = format("%099999d", 1) }`))
	root, err := load.OpenRoot("testdata", "", 0)
	if err != nil {
		f.Fatal(err)
	}
	defer root.Close()
	opts := load.Options{Limits: load.Limits{MaxResources: 200, MaxResolveSteps: 20000}}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		name := "fuzz/main.tf"
		if len(data) > 0 && data[0] == '{' {
			name += ".json" // the .tf.json path
		}
		u := load.Unit{Format: model.FormatTerraform, Path: "fuzz", Root: root, Files: []load.File{{Path: name, Data: data}}}
		var stacks []*model.Stack
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			stacks, err = Load(ctx, u, opts)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Load did not finish in 5s on %q", data)
		}
		if err != nil {
			var le *load.Error
			if !errors.As(err, &le) {
				t.Fatalf("error is not a *load.Error: %v", err)
			}
			if strings.Contains(le.Msg, "internal error") {
				t.Fatalf("panic: %v", err)
			}
			return
		}
		if len(stacks) != 1 {
			t.Fatalf("%d stacks", len(stacks))
		}
	})
}

// BenchmarkLoadCorpus loads every Terraform module directory of the shared
// corpus; it reports modules per second.
func BenchmarkLoadCorpus(b *testing.B) {
	_, units := corpusUnits(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, u := range units {
			if _, err := Load(context.Background(), u, load.Options{}); err != nil {
				b.Fatalf("%s: %v", u.Path, err)
			}
		}
	}
	b.ReportMetric(float64(len(units)*b.N)/b.Elapsed().Seconds(), "modules/s")
}
