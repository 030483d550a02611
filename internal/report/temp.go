package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// Temp is a temporary file that a report's text is appended to and later
// copied out: for the pieces of a report computed in another order than
// it is written, or whose whole would not fit in memory. The file is
// created in os.TempDir (never in the scanned tree) and unlinked at once
// where the system allows it, so that nothing is left behind even if the
// process is killed; Close removes it otherwise.
type Temp struct {
	f       *os.File
	w       *bufio.Writer
	size    int64
	removed bool
}

// NewTemp creates a temporary file.
func NewTemp() (*Temp, error) {
	f, err := os.CreateTemp("", "nightlight-spill-*")
	if err != nil {
		return nil, fmt.Errorf("temporary file for the report: %w", err)
	}
	t := &Temp{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	t.removed = os.Remove(f.Name()) == nil
	return t, nil
}

// Write appends p.
func (t *Temp) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("write temporary file: %w", err)
	}
	return n, nil
}

// WriteString appends s.
func (t *Temp) WriteString(s string) (int, error) {
	n, err := t.w.WriteString(s)
	t.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("write temporary file: %w", err)
	}
	return n, nil
}

// Size is the number of bytes written.
func (t *Temp) Size() int64 { return t.size }

// ReadAt reads len(p) bytes at off of what was written.
func (t *Temp) ReadAt(p []byte, off int64) error {
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("write temporary file: %w", err)
	}
	if _, err := t.f.ReadAt(p, off); err != nil {
		return fmt.Errorf("read temporary file: %w", err)
	}
	return nil
}

// Reader reads what was written from the start; it is valid until the
// next Write or Reader.
func (t *Temp) Reader() (*bufio.Reader, error) {
	if err := t.w.Flush(); err != nil {
		return nil, fmt.Errorf("write temporary file: %w", err)
	}
	if _, err := t.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read temporary file: %w", err)
	}
	return bufio.NewReaderSize(t.f, 64<<10), nil
}

// WriteTo copies everything written to w.
func (t *Temp) WriteTo(w io.Writer) (int64, error) {
	r, err := t.Reader()
	if err != nil {
		return 0, err
	}
	return r.WriteTo(w)
}

// Close closes and removes the file. A nil Temp is closed.
func (t *Temp) Close() error {
	if t == nil {
		return nil
	}
	err := t.f.Close()
	if !t.removed {
		if rerr := os.Remove(t.f.Name()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
	}
	return err
}
