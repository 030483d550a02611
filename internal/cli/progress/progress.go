// Package progress draws a one-line progress bar on a terminal: files
// loaded, rules run. It draws nothing when its output is not a terminal (a
// pipe, a file, /dev/null, a CI log) or when asked to be quiet, so callers
// use it unconditionally.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// interval is the shortest time between two redraws of an unfinished stage.
const interval = 80 * time.Millisecond

// Bar is a progress bar for one stage of work at a time. Its methods are safe
// for concurrent use. A nil *Bar, like a Bar whose output is not a
// terminal, does nothing.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	width int              // columns of the terminal
	now   func() time.Time // clock, for throttling redraws
	stage string
	done  int
	total int
	drawn string // the line last drawn, "" when the line is clear
	at    time.Time
}

// New returns a bar drawing on w. It draws only when quiet is false and w is
// a terminal (see IsTerminal); otherwise it returns nil, which is a bar that
// does nothing.
func New(w io.Writer, quiet bool) *Bar {
	if quiet || !IsTerminal(w) {
		return nil
	}
	width := 80
	if f, ok := w.(fder); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
			width = cols
		}
	}
	return newBar(w, width, time.Now)
}

func newBar(w io.Writer, width int, now func() time.Time) *Bar {
	return &Bar{w: w, width: width, now: now}
}

type fder interface{ Fd() uintptr }

// IsTerminal reports whether w is a file descriptor attached to a terminal,
// such as an *os.File for a TTY. Pipes, regular files, buffers and
// /dev/null are not terminals.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(fder)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Enabled reports whether the bar draws anything.
func (b *Bar) Enabled() bool { return b != nil }

// Start begins a stage such as "loading files" with total units of work; a
// total of 0 or less means unknown, and the bar shows a count only.
func (b *Bar) Start(stage string, total int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stage, b.done, b.total = stage, 0, total
	b.draw(true)
}

// Add records n more units of work done in the current stage.
func (b *Bar) Add(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	b.draw(b.total > 0 && b.done >= b.total)
}

// Set records that done units of work of the current stage are done.
func (b *Bar) Set(done int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = done
	b.draw(b.total > 0 && b.done >= b.total)
}

// Finish clears the bar's line, so that what is written next starts at the
// beginning of a clean line.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn != "" {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.drawn = ""
	}
}

// draw redraws the line if it changed and, unless force, if the last redraw
// is older than interval. The caller holds b.mu.
func (b *Bar) draw(force bool) {
	line := b.line()
	if line == b.drawn {
		return
	}
	now := b.now()
	if !force && b.drawn != "" && now.Sub(b.at) < interval {
		return
	}
	fmt.Fprint(b.w, "\r\x1b[K"+line)
	b.drawn, b.at = line, now
}

// line renders "stage [#####.....] done/total" to fit the terminal width.
func (b *Bar) line() string {
	stage := b.stage
	if max := b.width / 3; len(stage) > max {
		stage = stage[:max]
	}
	if b.total <= 0 {
		return fmt.Sprintf("%s %d", stage, b.done)
	}
	done := min(b.done, b.total)
	count := fmt.Sprintf(" %d/%d", done, b.total)
	cells := b.width - len(stage) - len(count) - 4
	if cells > 40 {
		cells = 40
	}
	if cells < 5 {
		return stage + count
	}
	full := cells * done / b.total
	return stage + " [" + strings.Repeat("#", full) + strings.Repeat(".", cells-full) + "]" + count
}
