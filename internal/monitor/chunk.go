package monitor

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// ChunkLoader is a Store that loads chunks: records cut from log files of
// any shape and size by Ingest (which does not decode them), written as JSON
// lines to a temporary file, read by the store's own (faster) JSON reader
// and normalised as ParseRecord does. Memory stays bounded by the chunk,
// whatever the size of the files.
type ChunkLoader interface {
	// LoadChunk stores the chunk's events that are not stored yet and the
	// ledger entries of c.Done, atomically, as Add does. When a record does
	// not read exactly as ParseRecord would read it (a field of the wrong
	// shape, a JSON error, no eventSource or eventName), it stores nothing
	// and returns an error wrapping ErrChunkRejected: Ingest then reads the
	// chunk with the Go normaliser, which reports such records one by one.
	LoadChunk(ctx context.Context, c *Chunk) (added, dups int, err error)
}

// ErrChunkRejected is returned (wrapped) by LoadChunk for a chunk it did not
// load.
var ErrChunkRejected = errors.New("chunk not loaded by the store's reader")

// Chunk is a temporary file of records cut from log files. Each line is
// `{"f":F,"i":I,"r":RECORD}` or `{"f":F,"i":I,"h":"sha256:…","r":RECORD}`:
// F indexes Files, I is the record's 0-based index in that file, RECORD is
// the record's bytes as in the file (line breaks outside strings turned
// into spaces), and h, written for records that may lack an eventID, is
// the ID ParseRecord gives such a record (the hash of its bytes as in the
// file).
type Chunk struct {
	Path  string
	Files []File
	// Done are the files whose last record is in this chunk or an earlier
	// one and that read cleanly: they go into the ledger with the chunk.
	Done []Ledger
	// Records is the number of lines.
	Records int
	// Read counts the files whose reading ended with this chunk (cleanly
	// or not); Errors are their problems found while cutting (bad
	// records, broken files).
	Read   int
	Errors []*FileError
	// Unlisted counts the bad records left out of Errors (beyond
	// MaxFileErrors per file).
	Unlisted int
}

// Ledger is one entry of a store's ledger: a file read completely, with
// the number of records it held.
type Ledger struct {
	File   File
	Events int
}

// DefaultChunkBytes bounds a chunk's size (records are cut whole, so a
// chunk may exceed it by one record).
const DefaultChunkBytes = 32 << 20

// filePaths returns the paths of c.Files.
func (c *Chunk) filePaths() []string {
	out := make([]string, len(c.Files))
	for i, f := range c.Files {
		out[i] = f.Path
	}
	return out
}

// recordHash is the event ID ParseRecord gives raw, a record without an
// eventID (raw as in the file).
func recordHash(raw []byte) string {
	sum := sha256.Sum256(bytes.TrimSpace(raw))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

var (
	eventIDKey   = []byte(`"eventID":"`)
	emptyEventID = []byte(`"eventID":""`)
)

// chunker cuts files into chunks.
type chunker struct {
	dir   string
	size  int
	n     int
	cur   *Chunk
	fh    *os.File
	w     *bufio.Writer
	bytes int
	line  []byte
	send  func(*Chunk) error
}

func (k *chunker) open(first File) error {
	k.n++
	path := filepath.Join(k.dir, fmt.Sprintf("chunk-%06d.jsonl", k.n))
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("chunk: %w", err)
	}
	k.fh, k.bytes = fh, 0
	if k.w == nil {
		k.w = bufio.NewWriterSize(fh, 1<<20)
	} else {
		k.w.Reset(fh)
	}
	k.cur = &Chunk{Path: path, Files: []File{first}}
	return nil
}

// flush closes the current chunk and sends it (when it has lines or ledger
// entries or errors).
func (k *chunker) flush() error {
	if k.cur == nil {
		return nil
	}
	c := k.cur
	k.cur = nil
	err := k.w.Flush()
	if e := k.fh.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("chunk: %w", err)
	}
	if c.Records == 0 && len(c.Done) == 0 && len(c.Errors) == 0 && c.Read == 0 {
		return os.Remove(c.Path)
	}
	return k.send(c)
}

// file cuts one log file into the current chunk (and new ones as they
// fill up).
func (k *chunker) file(ctx context.Context, f File) error {
	if k.cur == nil {
		if err := k.open(f); err != nil {
			return err
		}
	} else {
		k.cur.Files = append(k.cur.Files, f)
	}
	fi := len(k.cur.Files) - 1
	records, badCount, lastBad := 0, 0, 0
	var firstErrs []*FileError
	var sendErr error
	bad := func(fe *FileError) {
		badCount++
		lastBad = fe.Record
		if badCount <= MaxFileErrors {
			firstErrs = append(firstErrs, fe)
		}
	}
	fh, err := os.Open(f.Path)
	if err == nil {
		err = DecodeRaw(ctx, fh, func(index int, raw []byte, tooBig bool) {
			if sendErr != nil {
				return
			}
			records++
			if tooBig {
				bad(&FileError{File: f.Path, Record: index, Err: fmt.Errorf("record larger than %d bytes", MaxRecordBytes)})
				return
			}
			raw = bytes.TrimSpace(raw)
			if len(raw) == 0 || raw[0] != '{' {
				_, perr := ParseRecord(raw)
				bad(&FileError{File: f.Path, Record: index, Err: perr})
				return
			}
			if k.bytes >= k.size {
				if sendErr = k.flush(); sendErr != nil {
					return
				}
				if sendErr = k.open(f); sendErr != nil {
					return
				}
				fi = 0
			}
			l := append(k.line[:0], `{"f":`...)
			l = strconv.AppendInt(l, int64(fi), 10)
			l = append(l, `,"i":`...)
			l = strconv.AppendInt(l, int64(index), 10)
			if !bytes.Contains(raw, eventIDKey) || bytes.Contains(raw, emptyEventID) {
				l = append(l, `,"h":"`...)
				l = append(l, recordHash(raw)...)
				l = append(l, '"')
			}
			l = append(l, `,"r":`...)
			l = appendFlat(l, raw)
			l = append(l, "}\n"...)
			k.line = l
			k.w.Write(l)
			k.bytes += len(l)
			k.cur.Records++
		})
		fh.Close()
	}
	if sendErr != nil {
		return sendErr
	}
	c := k.cur
	if badCount > MaxFileErrors {
		firstErrs = append(firstErrs, &FileError{File: f.Path, Record: lastBad, Err: fmt.Errorf("%d more bad records not listed (the last is this one)", badCount-MaxFileErrors)})
		c.Unlisted += badCount - MaxFileErrors - 1
	}
	c.Errors = append(c.Errors, firstErrs...)
	c.Read++
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.Errors = append(c.Errors, &FileError{File: f.Path, Record: -1, Err: err})
		return nil
	}
	c.Done = append(c.Done, Ledger{File: f, Events: records})
	return nil
}

// appendFlat appends raw with its line breaks outside strings turned into
// spaces (one record per line); a line break inside a string (invalid
// JSON) is kept, and the store's reader rejects the chunk.
func appendFlat(dst, raw []byte) []byte {
	if bytes.IndexAny(raw, "\r\n") < 0 {
		return append(dst, raw...)
	}
	in, esc := false, false
	for _, c := range raw {
		switch {
		case in && esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case !in && (c == '\n' || c == '\r'):
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

// readChunk reads a chunk with the Go normaliser (ParseRecord) into one
// batch per file (the last one of a file in c.Done not Partial), and the
// records that are not CloudTrail records as errors.
func readChunk(ctx context.Context, c *Chunk) ([]Batch, []*FileError, error) {
	batches := make([]Batch, len(c.Files))
	for i, f := range c.Files {
		batches[i] = Batch{File: f, Partial: true}
	}
	for _, d := range c.Done {
		for i := range batches {
			if batches[i].File.Path == d.File.Path {
				batches[i].Partial = false
			}
		}
	}
	fh, err := os.Open(c.Path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	var errs []*FileError
	var lineErr error
	err = DecodeRaw(ctx, fh, func(_ int, line []byte, tooBig bool) {
		if lineErr != nil {
			return
		}
		fi, index, h, raw, ok := cutChunkLine(line)
		if tooBig || !ok || fi >= len(c.Files) {
			lineErr = fmt.Errorf("chunk %s: a line is not one Ingest wrote", c.Path)
			return
		}
		path := c.Files[fi].Path
		e, err := ParseRecord(raw)
		if err != nil {
			errs = append(errs, &FileError{File: path, Record: index, Err: err})
			return
		}
		if h != "" && len(e.ID) > 7 && e.ID[:7] == "sha256:" {
			e.ID = h
		}
		e.File, e.Index = path, index
		batches[fi].Events = append(batches[fi].Events, e)
	})
	if err == nil {
		err = lineErr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read chunk: %w", err)
	}
	return batches, errs, nil
}

// cutChunkLine takes a chunk line apart.
func cutChunkLine(line []byte) (fi, index int, h string, raw []byte, ok bool) {
	num := func(prefix string) (int, bool) {
		if !bytes.HasPrefix(line, []byte(prefix)) {
			return 0, false
		}
		line = line[len(prefix):]
		j := 0
		for j < len(line) && line[j] >= '0' && line[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(string(line[:j]))
		line = line[j:]
		return n, err == nil
	}
	if fi, ok = num(`{"f":`); !ok {
		return
	}
	if index, ok = num(`,"i":`); !ok {
		return
	}
	if rest, found := bytes.CutPrefix(line, []byte(`,"h":"`)); found {
		end := bytes.IndexByte(rest, '"')
		if end < 0 {
			return 0, 0, "", nil, false
		}
		h, line = string(rest[:end]), rest[end+1:]
	}
	rest, found := bytes.CutPrefix(line, []byte(`,"r":`))
	if !found || len(rest) == 0 || rest[len(rest)-1] != '}' {
		return 0, 0, "", nil, false
	}
	return fi, index, h, rest[:len(rest)-1], true
}
