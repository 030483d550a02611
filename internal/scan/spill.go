package scan

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/report"
)

// spill is a temporary file of JSON report elements, each encoded at its
// array's depth and framed by its length (uvarint); see report.Temp.
type spill struct {
	t   *report.Temp
	enc *report.ElementEncoder
	n   int // elements written
	buf [binary.MaxVarintLen64]byte
}

func newSpill(depth int) (*spill, error) {
	t, err := report.NewTemp()
	if err != nil {
		return nil, err
	}
	return &spill{t: t, enc: report.NewElementEncoder(depth)}, nil
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
	if _, err := s.t.Write(s.buf[:n]); err != nil {
		return 0, err
	}
	off := s.t.Size()
	if _, err := s.t.Write(b); err != nil {
		return 0, err
	}
	s.n++
	return off, nil
}

// readAt reads the n bytes at off (written by addRaw) into buf, grown as
// needed, and returns them.
func (s *spill) readAt(buf []byte, off int64, n int) ([]byte, error) {
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if err := s.t.ReadAt(buf, off); err != nil {
		return nil, err
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
		r, err := s.t.Reader()
		if err != nil {
			return err
		}
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
	return s.t.Close()
}
