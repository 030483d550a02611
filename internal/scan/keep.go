package scan

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// baselineKeep holds, for a streamed scan, the baseline entries of the
// findings reported (Options.KeepBaseline): each entry encoded as
// rule.WriteBaseline writes it, in a temporary file, and in memory only
// its fingerprint and where it is (≈ 50 bytes per finding).
type baselineKeep struct {
	sp  *spill
	idx []baselineRef
}

// baselineRef is one kept baseline entry: its fingerprint, its place in
// the report's order of findings (part, then index in the part), and
// where its text is in the file.
type baselineRef struct {
	fp      string
	part, i int32
	n       int32
	off     int64
}

func newBaselineKeep() (*baselineKeep, error) {
	sp, err := newSpill(0)
	if err != nil {
		return nil, err
	}
	return &baselineKeep{sp: sp}, nil
}

// baselinePrefix indents an entry of the baseline's "findings" array, as
// rule.WriteBaseline's encoder does.
const baselinePrefix = "    "

// add keeps the entries of the findings fs of part (in report order).
func (k *baselineKeep) add(part int, fs []rule.Finding) error {
	if k == nil {
		return nil
	}
	for i, f := range fs {
		fp := f.Fingerprint
		if fp == "" {
			fp = rule.Fingerprint(f)
		}
		b, err := json.MarshalIndent(rule.BaselineEntry{Fingerprint: fp, Rule: f.Rule, File: f.File, Resource: f.Resource, Message: f.Message}, baselinePrefix, "  ")
		if err != nil {
			return fmt.Errorf("baseline entry: %w", err)
		}
		off, err := k.sp.addRaw(b)
		if err != nil {
			return err
		}
		k.idx = append(k.idx, baselineRef{fp: fp, part: int32(part), i: int32(i), n: int32(len(b)), off: off})
	}
	return nil
}

// write writes the baseline, byte for byte what rule.WriteBaseline writes
// for rule.NewBaseline of the scan's findings: one entry per fingerprint
// (the first in report order), sorted by fingerprint.
func (k *baselineKeep) write(w io.Writer) error {
	sort.Slice(k.idx, func(a, b int) bool {
		x, y := &k.idx[a], &k.idx[b]
		switch {
		case x.fp != y.fp:
			return x.fp < y.fp
		case x.part != y.part:
			return x.part < y.part
		}
		return x.i < y.i
	})
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("{\n  \"version\": 1,\n  \"findings\": [")
	var buf []byte
	n := 0
	for j, r := range k.idx {
		if j > 0 && k.idx[j-1].fp == r.fp {
			continue
		}
		var err error
		if buf, err = k.sp.readAt(buf, r.off, int(r.n)); err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString(",")
		}
		n++
		bw.WriteString("\n" + baselinePrefix)
		bw.Write(buf)
	}
	if n > 0 {
		bw.WriteString("\n  ]\n}\n")
	} else {
		bw.WriteString("]\n}\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}

func (k *baselineKeep) close() error {
	if k == nil {
		return nil
	}
	return k.sp.close()
}

// WriteBaseline writes the baseline of the findings reported (what
// rule.WriteBaseline writes for rule.NewBaseline of them): from the
// document or the outline when the scan has one, else from what the scan
// kept with Options.KeepBaseline.
func (s *Streamed) WriteBaseline(w io.Writer) error {
	switch {
	case s.doc != nil:
		return rule.WriteBaseline(w, rule.NewBaseline(s.doc.Findings))
	case s.baseline != nil:
		return s.baseline.write(w)
	case s.outline != nil:
		return rule.WriteBaseline(w, rule.NewBaseline(s.Outline().Findings))
	}
	return errors.New("the scan kept no baseline (Options.KeepBaseline)")
}

// addInventory writes the inventory of a part's stacks.
func (s *Streamed) addInventory(write func(io.Writer, *model.Stack) error, stacks []*model.Stack) error {
	if s.inventory == nil {
		return nil
	}
	for _, st := range stacks {
		if err := write(s.inventory.t, st); err != nil {
			return fmt.Errorf("inventory of %s: %w", st.ID, err)
		}
	}
	return nil
}

// WriteInventory writes the inventory of every stack, in report order,
// as Options.Inventory wrote it (nothing when it was not set, or when the
// scan was held whole: the document has the stacks).
func (s *Streamed) WriteInventory(w io.Writer) error {
	if s.inventory == nil {
		return nil
	}
	if _, err := s.inventory.t.WriteTo(w); err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	return nil
}
