package monitor

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/conc"
)

// MaxRecordBytes bounds one record: CloudTrail records are at most a few
// hundred KB, so a larger value is not a record and is skipped unbuffered.
const MaxRecordBytes = 4 << 20

// File is one log file found under the paths given to ReadPaths.
type File struct {
	// Path is the file's path as found (joined to the path given).
	Path string
	// Size and ModTime identify the version of the file, for incremental
	// ingestion.
	Size    int64
	ModTime int64
}

// FileError is a problem with one file, or with one record of it.
type FileError struct {
	File string
	// Record is the 0-based index of the record in the file, -1 when the
	// error is about the file as a whole.
	Record int
	Err    error
}

func (e *FileError) Error() string {
	if e.Record < 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s: record %d: %v", e.File, e.Record, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Batch is what reading one file produced.
type Batch struct {
	File   File
	Events []Event
	// Errors are the file's problems: bad records (the others are kept) or
	// a file that stopped early (truncated gzip, broken JSON: the records
	// before are kept).
	Errors []*FileError
	// Partial is true for all but the last batch of a file read in chunks:
	// the file is complete (and goes into a store's ledger) with the last.
	Partial bool
	// BadRecords counts the file's bad records, listed or not (last batch).
	BadRecords int
}

// ReadOptions configure ReadPaths.
type ReadOptions struct {
	// Workers bounds the files read in parallel (0: GOMAXPROCS).
	Workers int
	// Skip, when set, is asked before each file is read; true skips it
	// (already ingested, unchanged).
	Skip func(File) bool
	// ChunkEvents bounds a batch (0: MaxBatchEvents).
	ChunkEvents int
}

// Discover lists the log files under paths, sorted. A path that is a file is
// taken whatever its name; in folders, files named *.json, *.json.gz,
// *.jsonl, *.jsonl.gz, *.ndjson or *.gz are taken, CloudTrail digest files
// (…/CloudTrail-Digest/…) are left out, and other files are returned in
// skipped. Symbolic links are not followed.
func Discover(paths []string) (files []File, skipped []string, err error) {
	seen := map[string]bool{}
	add := func(p string, info fs.FileInfo) {
		if seen[p] {
			return
		}
		seen[p] = true
		files = append(files, File{Path: p, Size: info.Size(), ModTime: info.ModTime().UnixNano()})
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, nil, fmt.Errorf("trail %s: %w", root, err)
		}
		if !info.IsDir() {
			add(root, info)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				skipped = append(skipped, fmt.Sprintf("%s: %v", p, err))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if d.Name() == "CloudTrail-Digest" {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			if !logName(d.Name()) {
				skipped = append(skipped, p)
				return nil
			}
			info, err := d.Info()
			if err != nil {
				skipped = append(skipped, fmt.Sprintf("%s: %v", p, err))
				return nil
			}
			add(p, info)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("trail %s: %w", root, err)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	sort.Strings(skipped)
	return files, skipped, nil
}

func logName(name string) bool {
	n := strings.ToLower(name)
	n = strings.TrimSuffix(n, ".gz")
	return strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".ndjson") || n != strings.ToLower(name)
}

// ReadFiles reads files with opts.Workers in parallel (conc.ForEach) and
// calls sink with each file's batches (several for files of more than
// MaxBatchEvents events: memory stays bounded), from one goroutine at a
// time, in no particular order between files. A panic while reading a file
// (a bug) is contained and reported as that file's error. It stops early
// when ctx is done or sink returns an error, and returns that error.
func ReadFiles(ctx context.Context, files []File, opts ReadOptions, sink func(Batch) error) error {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunk := opts.ChunkEvents
	if chunk <= 0 {
		chunk = MaxBatchEvents
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var todo []File
	for _, f := range files {
		if opts.Skip == nil || !opts.Skip(f) {
			todo = append(todo, f)
		}
	}
	// One batch waiting per worker at most: with the one each worker
	// builds and the one sink holds, memory is bounded by the chunk size,
	// not by the files' sizes.
	out := make(chan Batch, workers)
	send := func(b Batch) error {
		select {
		case out <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	go func() {
		defer close(out)
		conc.ForEach(ctx, len(todo), workers, func(i int) {
			f := todo[i]
			sent := false
			err := conc.Safely("reading "+f.Path, func() error {
				return ReadFileChunks(ctx, f, chunk, func(b Batch) error {
					if !b.Partial {
						sent = true
					}
					return send(b)
				})
			})
			var pe *conc.PanicError
			if errors.As(err, &pe) && !sent {
				// The file's last batch was not sent: send it with the
				// error, so the file is not recorded as read.
				_ = send(Batch{File: f, Errors: []*FileError{{File: f.Path, Record: -1, Err: err}}})
			}
		})
	}()
	var err error
	for b := range out {
		if err != nil {
			continue
		}
		if err = sink(b); err != nil {
			cancel()
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// Limits of one file's batch: a file with more events is delivered in
// several batches (all but the last Partial), and only the first
// MaxFileErrors bad records of a file are kept (the rest are counted).
const (
	MaxBatchEvents = 10_000
	MaxFileErrors  = 100
)

// ReadFile reads one log file of any supported shape into one batch; a
// file of more than MaxBatchEvents events comes back whole (use
// ReadFileChunks to bound memory).
func ReadFile(ctx context.Context, f File) Batch {
	var out Batch
	_ = ReadFileChunks(ctx, f, 0, func(b Batch) error {
		out.File = b.File
		out.Events = append(out.Events, b.Events...)
		out.Errors = append(out.Errors, b.Errors...)
		return nil
	})
	return out
}

// ReadFileChunks reads one log file and calls sink with batches of at most
// chunk events (0: no limit): every batch but the last is Partial. It
// returns sink's error.
func ReadFileChunks(ctx context.Context, f File, chunk int, sink func(Batch) error) error {
	newBatch := func() Batch {
		if chunk > 0 {
			return Batch{File: f, Events: make([]Event, 0, min(chunk, 1024))}
		}
		return Batch{File: f}
	}
	b := newBatch()
	fh, err := os.Open(f.Path)
	if err != nil {
		b.Errors = append(b.Errors, &FileError{File: f.Path, Record: -1, Err: err})
		return sink(b)
	}
	defer fh.Close()
	var sinkErr error
	badCount, lastBad := 0, 0
	err = Decode(ctx, fh, f.Path, func(e Event) {
		if sinkErr != nil {
			return
		}
		b.Events = append(b.Events, e)
		if chunk > 0 && len(b.Events) >= chunk {
			part := b
			part.Partial = true
			sinkErr = sink(part)
			b = newBatch()
		}
	}, func(fe *FileError) {
		badCount++
		lastBad = fe.Record
		if badCount <= MaxFileErrors {
			b.Errors = append(b.Errors, fe)
		}
	})
	if sinkErr != nil {
		return sinkErr
	}
	if badCount > MaxFileErrors {
		b.Errors = append(b.Errors, &FileError{File: f.Path, Record: lastBad, Err: fmt.Errorf("%d more bad records not listed (the last is this one)", badCount-MaxFileErrors)})
	}
	if err != nil {
		b.Errors = append(b.Errors, &FileError{File: f.Path, Record: -1, Err: err})
	}
	b.BadRecords = badCount
	return sink(b)
}

// Decode reads CloudTrail records from r — `{"Records":[…]}`, a JSON
// array of records, or JSON lines / concatenated objects, each optionally
// gzipped — and calls emit for each record and bad for each record that is
// not a CloudTrail record. It returns an error when the stream itself is
// broken (bad gzip, broken JSON); records before it were emitted. name is
// used in record errors.
func Decode(ctx context.Context, r io.Reader, name string, emit func(Event), bad func(*FileError)) error {
	return DecodeRaw(ctx, r, func(index int, raw []byte, tooBig bool) {
		if tooBig {
			bad(&FileError{File: name, Record: index, Err: fmt.Errorf("record larger than %d bytes", MaxRecordBytes)})
			return
		}
		e, err := ParseRecord(raw)
		if err != nil {
			bad(&FileError{File: name, Record: index, Err: err})
			return
		}
		e.File, e.Index = name, index
		emit(e)
	})
}

// DecodeRaw cuts r as Decode does and calls record with each record's
// 0-based index and bytes, without decoding them (raw is valid only during
// the call; tooBig records, longer than MaxRecordBytes, come without their
// bytes).
func DecodeRaw(ctx context.Context, r io.Reader, record func(index int, raw []byte, tooBig bool)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	s := &splitter{r: br}
	c, err := s.skipSpace()
	if err == io.EOF {
		return errors.New("empty file")
	}
	if err != nil {
		return s.wrap(err)
	}
	index := 0
	each := func(raw []byte, tooBig bool) {
		record(index, raw, tooBig)
		index++
	}
	switch c {
	case '[':
		s.readByte()
		err = s.array(ctx, each)
	case '{':
		if s.recordsContainer() {
			err = s.array(ctx, each)
		} else {
			err = s.sequence(ctx, each)
		}
	default:
		return fmt.Errorf("%w: starts with %q, not a JSON object or array", ErrNotRecord, c)
	}
	if err != nil {
		return err
	}
	// Read to the end, so that a damaged gzip stream (bad checksum, cut
	// after the last record) is reported.
	if _, err := io.Copy(io.Discard, s.r); err != nil {
		return s.wrap(err)
	}
	return nil
}

// splitter cuts a JSON stream into top-level values without decoding them,
// so memory is bounded by the largest record.
type splitter struct {
	r   *bufio.Reader
	off int64 // bytes consumed
	buf []byte
}

func (s *splitter) wrap(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("unexpected end of data at byte %d (truncated file?)", s.off)
	}
	return fmt.Errorf("at byte %d: %w", s.off, err)
}

func (s *splitter) readByte() (byte, error) {
	c, err := s.r.ReadByte()
	if err == nil {
		s.off++
	}
	return c, err
}

// skipSpace peeks the next non-space byte without consuming it.
func (s *splitter) skipSpace() (byte, error) {
	for {
		p, err := s.r.Peek(1)
		if err != nil {
			return 0, err
		}
		switch p[0] {
		case ' ', '\t', '\r', '\n':
			s.readByte()
		default:
			return p[0], nil
		}
	}
}

var recordsPrefix = []byte(`"Records"`)

// recordsContainer reports whether the stream is `{"Records": [`, and if
// so consumes up to and including the '['.
func (s *splitter) recordsContainer() bool {
	p, _ := s.r.Peek(512)
	i := 1
	skip := func() {
		for i < len(p) && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n') {
			i++
		}
	}
	skip()
	if !bytes.HasPrefix(p[i:], recordsPrefix) {
		return false
	}
	i += len(recordsPrefix)
	skip()
	if i >= len(p) || p[i] != ':' {
		return false
	}
	i++
	skip()
	if i >= len(p) || p[i] != '[' {
		return false
	}
	i++
	s.r.Discard(i)
	s.off += int64(i)
	return true
}

// array reads the elements of an array whose '[' was consumed, up to its
// ']' (anything after it, such as the rest of a delivery file's object,
// is ignored).
func (s *splitter) array(ctx context.Context, record func([]byte, bool)) error {
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		c, err := s.skipSpace()
		if err != nil {
			return s.wrap(err)
		}
		if c == ']' {
			return nil
		}
		if n > 0 {
			if c != ',' {
				return s.wrap(fmt.Errorf("expected ',' or ']' after record %d, found %q", n-1, c))
			}
			s.readByte()
			if c, err = s.skipSpace(); err != nil {
				return s.wrap(err)
			}
		}
		raw, tooBig, err := s.value()
		if err != nil {
			return s.wrap(err)
		}
		record(raw, tooBig)
	}
}

// sequence reads whitespace-separated top-level values (JSON lines).
func (s *splitter) sequence(ctx context.Context, record func([]byte, bool)) error {
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := s.skipSpace(); err == io.EOF {
			return nil
		} else if err != nil {
			return s.wrap(err)
		}
		raw, tooBig, err := s.value()
		if err != nil {
			return s.wrap(err)
		}
		record(raw, tooBig)
	}
}

// value reads one JSON value (the next byte is its first). It checks only
// nesting and strings; ParseRecord validates the rest. Values longer than
// MaxRecordBytes are consumed without being kept (tooBig).
func (s *splitter) value() (raw []byte, tooBig bool, err error) {
	s.buf = s.buf[:0]
	depth := 0
	inString, escaped := false, false
	keep := func(c byte) {
		if tooBig {
			return
		}
		if len(s.buf) >= MaxRecordBytes {
			tooBig = true
			s.buf = s.buf[:0]
			return
		}
		s.buf = append(s.buf, c)
	}
	for {
		// Fast path: copy runs of ordinary bytes from the buffer.
		if inString && !escaped && !tooBig {
			p, _ := s.r.Peek(s.r.Buffered())
			j := 0
			for j < len(p) && p[j] != '"' && p[j] != '\\' {
				j++
			}
			if j > 0 && len(s.buf)+j < MaxRecordBytes {
				s.buf = append(s.buf, p[:j]...)
				s.r.Discard(j)
				s.off += int64(j)
			}
		}
		c, err := s.readByte()
		if err != nil {
			return nil, false, err
		}
		keep(c)
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if depth == 0 {
					return s.buf, tooBig, nil
				}
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth < 0 {
				return nil, false, fmt.Errorf("unexpected %q", c)
			}
			if depth == 0 {
				return s.buf, tooBig, nil
			}
		case ',':
			if depth == 0 {
				return nil, false, errors.New("unexpected ','")
			}
		default:
			if depth == 0 {
				// A scalar at the top level: read to the next delimiter.
				for {
					p, err := s.r.Peek(1)
					if err != nil || bytes.IndexByte([]byte(",]} \t\r\n"), p[0]) >= 0 {
						return s.buf, tooBig, nil
					}
					c, _ := s.readByte()
					keep(c)
				}
			}
		}
	}
}

// sniffDelivery reports whether the file at path starts as a CloudTrail
// delivery file (`{"Records":[`), and whether it is gzipped; jsonSize is the
// size of its JSON (for gzip, the size the trailer records, modulo 4 GiB).
// It reads only the first bytes and the last four.
func sniffDelivery(path string) (delivery, gz bool, jsonSize int64) {
	fh, err := os.Open(path)
	if err != nil {
		return false, false, 0
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return false, false, 0
	}
	jsonSize = info.Size()
	br := bufio.NewReaderSize(fh, 4096)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		var trailer [4]byte
		if _, err := fh.ReadAt(trailer[:], info.Size()-4); err != nil {
			return false, true, 0
		}
		jsonSize = int64(binary.LittleEndian.Uint32(trailer[:]))
		zr, err := gzip.NewReader(br)
		if err != nil {
			return false, true, 0
		}
		defer zr.Close()
		br, gz = bufio.NewReaderSize(zr, 4096), true
	}
	s := &splitter{r: br}
	if c, err := s.skipSpace(); err != nil || c != '{' {
		return false, gz, jsonSize
	}
	return s.recordsContainer(), gz, jsonSize
}
