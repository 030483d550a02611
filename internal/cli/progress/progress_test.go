package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// clock is a fake time source advanced by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBarDraws(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	b := newBar(&out, 40, c.now)
	b.Start("loading files", 4)
	b.Add(1) // too soon after Start: not drawn
	c.t = c.t.Add(100 * time.Millisecond)
	b.Add(1) // drawn
	b.Add(2) // last unit: always drawn
	b.Start("running rules", 0)
	b.Add(3) // too soon: not drawn
	c.t = c.t.Add(time.Second)
	b.Add(0)
	c.t = c.t.Add(time.Second)
	b.Add(0) // unchanged line: not drawn again
	b.Finish()
	b.Finish() // nothing left to clear
	got := strings.Split(out.String(), "\r\x1b[K")
	want := []string{
		"",
		"loading files [...................] 0/4",
		"loading files [#########..........] 2/4",
		"loading files [###################] 4/4",
		"running rules 0",
		"running rules 3", // throttled at first, drawn by the next Add
		"",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestBarNarrowAndOverflow(t *testing.T) {
	var out bytes.Buffer
	b := newBar(&out, 12, time.Now)
	b.Start("loading", 2)
	b.Add(5)
	got := strings.Split(out.String(), "\r\x1b[K")
	want := []string{"", "load 0/2", "load 2/2"} // the stage gets at most a third of the line
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestNotATerminalDrawsNothing(t *testing.T) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, out := range map[string]interface {
		Write([]byte) (int, error)
	}{"buffer": &bytes.Buffer{}, "/dev/null": devnull, "regular file": file, "pipe": w} {
		if IsTerminal(out) {
			t.Errorf("IsTerminal(%s) = true", name)
		}
		b := New(out, false)
		if b.Enabled() {
			t.Errorf("New(%s) draws", name)
		}
		b.Start("loading files", 3) // a nil bar does nothing and does not panic
		b.Add(1)
		b.Finish()
	}
	st, err := file.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != 0 {
		t.Errorf("wrote %d bytes to a regular file", st.Size())
	}
}

func TestQuiet(t *testing.T) {
	if New(os.Stderr, true).Enabled() {
		t.Errorf("a quiet bar draws")
	}
}

func TestConcurrentAdd(t *testing.T) {
	var out bytes.Buffer
	b := newBar(&out, 60, time.Now)
	b.Start("loading files", 100)
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				b.Add(1)
			}
		}()
	}
	wg.Wait()
	if !strings.HasSuffix(out.String(), " 100/100") {
		t.Errorf("last line %q, want it to end in 100/100", out.String()[strings.LastIndex(out.String(), "\r"):])
	}
}

// TestBarSet checks that Set gives the count done, not one more unit.
func TestBarSet(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	b := newBar(&out, 40, c.now)
	b.Start("loading", 10)
	c.t = c.t.Add(time.Second)
	b.Set(7)
	b.Set(10)
	got := strings.Split(out.String(), "\r\x1b[K")
	want := []string{"", "loading [........................] 0/10", "loading [################........] 7/10", "loading [#######################] 10/10"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}
