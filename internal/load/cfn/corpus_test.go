package cfn

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
)

const corpusDir = "../../../../shared/corpus"

// corpusTemplates lists the corpus' CloudFormation/SAM templates (the
// rendered app templates stand in for the raw cookiecutter sources).
func corpusTemplates(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skip("shared corpus not present beside the checkout")
	}
	var files []string
	_ = filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == "aws-sam-cli-app-templates" {
			return filepath.SkipDir
		}
		name := d.Name()
		ext := filepath.Ext(name)
		if !d.IsDir() && (strings.HasPrefix(name, "template.") && (ext == ".yaml" || ext == ".yml" || ext == ".json") || strings.HasSuffix(name, ".template.json")) {
			// Other tools name their templates template.json too (Azure
			// ARM): only files that declare AWS resources are ours.
			if data, err := os.ReadFile(p); err == nil && isAWSTemplate(data) {
				files = append(files, p)
			}
		}
		return nil
	})
	return files
}

// isAWSTemplate reports whether the bytes name an AWS template version, the
// SAM transform or an AWS:: resource type.
func isAWSTemplate(data []byte) bool {
	return bytes.Contains(data, []byte("AWSTemplateFormatVersion")) || bytes.Contains(data, []byte("AWS::"))
}

// TestCorpusParse parses every corpus template: none may panic, and every
// failure must be a positioned error.
func TestCorpusParse(t *testing.T) {
	files := corpusTemplates(t)
	clean := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(corpusDir, f)
		doc, err := yamlv.Decode(rel, data, load.Limits{})
		if err == nil {
			var tpl *Template
			tpl, err = Parse(context.Background(), rel, doc.Root, load.Options{})
			if err == nil {
				tpl.Translate()
				err = tpl.Err()
			}
		}
		if err != nil {
			if !load.PosOf(err).IsValid() {
				t.Errorf("%s: error without position: %v", rel, err)
			}
			t.Logf("FAIL %v", err)
			continue
		}
		clean++
	}
	t.Logf("%d of %d templates parsed cleanly", clean, len(files))
	if float64(clean) < 0.99*float64(len(files)) {
		t.Errorf("only %d of %d templates parsed cleanly (want ≥ 99%%)", clean, len(files))
	}
}

// BenchmarkLoadCorpus decodes, parses and translates every corpus template.
func BenchmarkLoadCorpus(b *testing.B) {
	files := corpusTemplates(b)
	var data [][]byte
	var size int64
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
		size += int64(len(d))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, d := range data {
			_, _ = Load(context.Background(), load.Unit{Files: []load.File{{Path: files[j], Data: d}}}, load.Options{})
		}
	}
	b.ReportMetric(float64(len(data)*b.N)/b.Elapsed().Seconds(), "templates/s")
}
