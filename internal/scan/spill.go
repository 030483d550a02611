package scan

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/report"
)

// spill is a temporary file of JSON report elements, each encoded at its
// array's depth and framed by its length (uvarint). The file is created in
// os.TempDir and unlinked at once where the system allows it (so that it
// disappears even if the process is killed); close removes it otherwise.
type spill struct {
	f       *os.File
	w       *bufio.Writer
	enc     *report.ElementEncoder
	n       int   // elements written
	size    int64 // bytes written, framing included
	removed bool
	buf     [binary.MaxVarintLen64]byte
}

func newSpill(depth int) (*spill, error) {
	f, err := os.CreateTemp("", "nightlight-spill-*")
	if err != nil {
		return nil, fmt.Errorf("temporary file for the report: %w", err)
	}
	s := &spill{f: f, w: bufio.NewWriterSize(f, 64<<10), enc: report.NewElementEncoder(depth)}
	// An open file can be unlinked on Unix: nothing is left behind even
	// if the process dies. Elsewhere close removes it.
	s.removed = os.Remove(f.Name()) == nil
	return s, nil
}

// add encodes v and appends it. A nil spill (a scan that keeps an
// outline instead, see Options.Outline) takes nothing.
func (s *spill) add(v any) error {
	if s == nil {
		return nil
	}
	b, err := s.enc.Encode(v)
	if err != nil {
		return err
	}
	_, err = s.addRaw(b)
	return err
}

// addRaw appends b as one element and returns where b starts in the file
// (for readAt).
func (s *spill) addRaw(b []byte) (int64, error) {
	n := binary.PutUvarint(s.buf[:], uint64(len(b)))
	if _, err := s.w.Write(s.buf[:n]); err != nil {
		return 0, fmt.Errorf("write temporary file: %w", err)
	}
	if _, err := s.w.Write(b); err != nil {
		return 0, fmt.Errorf("write temporary file: %w", err)
	}
	off := s.size + int64(n)
	s.size = off + int64(len(b))
	s.n++
	return off, nil
}

// readAt reads the n bytes at off (written by addRaw) into buf, grown as
// needed, and returns them.
func (s *spill) readAt(buf []byte, off int64, n int) ([]byte, error) {
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("write temporary file: %w", err)
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := s.f.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("read temporary file: %w", err)
	}
	return buf, nil
}

// elements gives the spilled elements in order, with extra's inserted
// before the element at index at (at == s.n: after the last).
func (s *spill) elements(at int, extra report.Elements) report.Elements {
	return s.elementsWith(insertion{at: at, es: extra})
}

// insertion is a list of elements to insert before the spilled element at
// index at.
type insertion struct {
	at int
	es report.Elements
}

// elementsWith gives the spilled elements in order, with each insertion's
// inserted before the element at its index (s.n: after the last); at one
// index, in the order given.
func (s *spill) elementsWith(ins ...insertion) report.Elements {
	ins = slices.Clone(ins)
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].at < ins[j].at })
	n := s.n
	for _, in := range ins {
		n += in.es.N
	}
	return report.Elements{N: n, Each: func(yield func([]byte) error) error {
		if err := s.w.Flush(); err != nil {
			return fmt.Errorf("write temporary file: %w", err)
		}
		if _, err := s.f.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("read temporary file: %w", err)
		}
		r := bufio.NewReaderSize(s.f, 64<<10)
		var b []byte
		next := 0
		for i := 0; i <= s.n; i++ {
			for ; next < len(ins) && ins[next].at == i; next++ {
				if ins[next].es.N > 0 {
					if err := ins[next].es.Each(yield); err != nil {
						return err
					}
				}
			}
			if i == s.n {
				break
			}
			n, err := binary.ReadUvarint(r)
			if err != nil {
				return fmt.Errorf("read temporary file: %w", err)
			}
			if uint64(cap(b)) < n {
				b = make([]byte, n)
			}
			b = b[:n]
			if _, err := io.ReadFull(r, b); err != nil {
				return fmt.Errorf("read temporary file: %w", err)
			}
			if err := yield(b); err != nil {
				return err
			}
		}
		if next < len(ins) {
			return fmt.Errorf("insertion at %d past the %d elements written", ins[next].at, s.n)
		}
		return nil
	}}
}

// len is the number of elements written.
func (s *spill) len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// close closes and removes the file.
func (s *spill) close() error {
	if s == nil {
		return nil
	}
	err := s.f.Close()
	if !s.removed {
		if rerr := os.Remove(s.f.Name()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
	}
	return err
}
