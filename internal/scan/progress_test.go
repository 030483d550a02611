package scan

import (
	"context"
	"sync"
	"testing"
)

// recordProgress records every call to Loaded.
type recordProgress struct {
	mu    sync.Mutex
	calls [][2]int
}

func (r *recordProgress) Loaded(done, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, [2]int{done, total})
}

// TestProgressCountsFiles checks that a scan held whole and the same scan
// part by part tell Progress the same thing: files loaded of one total
// (the files discovered), never going back, ending at the total, and
// advancing within each part rather than once per part.
func TestProgressCountsFiles(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"a", "b", "c"} {
		copyApp(t, dir, d)
	}
	writeTree(t, dir, map[string]string{
		"d/main.tf": lambdaTF, "d/vars.tf": `variable "v" {}` + "\n", // one unit, two files
		"e/notes.yaml":    "just: yaml\n", // not an input
		"e/template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n",
		"f/one.yaml":      "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n",
		"f/two.yaml":      "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  T:\n    Type: AWS::SNS::Topic\n",
	})
	check := func(name string, calls [][2]int) int {
		t.Helper()
		if len(calls) == 0 {
			t.Fatalf("%s: Progress was never told", name)
		}
		total := calls[0][1]
		prev := -1
		for _, c := range calls {
			if c[1] != total {
				t.Errorf("%s: total changed from %d to %d", name, total, c[1])
			}
			if c[0] < prev || c[0] > total {
				t.Errorf("%s: done %d after %d, of %d", name, c[0], prev, total)
			}
			prev = c[0]
		}
		if prev != total {
			t.Errorf("%s: ended at %d of %d", name, prev, total)
		}
		return total
	}
	whole := &recordProgress{}
	if _, err := Run(context.Background(), Options{Paths: []string{dir}, Progress: whole}); err != nil {
		t.Fatal(err)
	}
	streamed := &recordProgress{}
	s, err := RunStreamed(context.Background(), Options{Paths: []string{dir}, Progress: streamed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Parts != 6 {
		t.Fatalf("Parts = %d, want 6", s.Parts)
	}
	wt, st := check("whole", whole.calls), check("part by part", streamed.calls)
	if wt != st {
		t.Errorf("total: %d held whole, %d part by part", wt, st)
	}
	if len(streamed.calls) <= s.Parts {
		t.Errorf("part by part: %d calls for %d parts, want calls as files load", len(streamed.calls), s.Parts)
	}
}
