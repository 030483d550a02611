package deps

import (
	"archive/zip"
	"bytes"
	"cmp"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Ecosystems lists the OSV ecosystems nightlight reads manifests for, in the
// spelling OSV uses for its export folders.
func Ecosystems() []string { return []string{"Go", "Maven", "PyPI", "RubyGems", "npm"} }

// maxRecordBytes bounds one uncompressed OSV record; larger entries are
// skipped (a real record is a few kilobytes).
const maxRecordBytes = 8 << 20

// DB is an offline OSV database: a directory holding DIR/<Ecosystem>/all.zip
// exactly as OSV publishes its per-ecosystem exports. An ecosystem's export
// is read once, on first use, into an index of which entries affect which
// package names (a few bytes per entry, not the records); the records of
// the packages a scan asks for are then decoded from the export on demand
// and kept. A scan streamed part by part asks part by part and gets the
// same records and the same summary as a scan asking once for every name.
// A DB is safe for concurrent use.
type DB struct {
	dir  string
	seed maphash.Seed
	mu   sync.Mutex
	eco  map[string]*ecoData
}

// ecoData is what the DB knows of one ecosystem's export.
type ecoData struct {
	present bool
	err     error
	path    string
	// entries are the export's valid, not withdrawn records, in archive
	// order; index maps a hash of each normalized package name a record
	// affects to the record's entry, sorted by hash, then entry.
	entries []zipEntry
	index   []nameRef
	// byName maps a normalized package name asked for to the records
	// affecting it, in archive order.
	byName map[string][]*record
	// skipped counts records skipped and keeps the first few reasons.
	skipped int
	reasons []string
	records int
}

// zipEntry locates one record's compressed bytes in the export.
type zipEntry struct {
	name       string
	offset     int64
	compressed uint64
	size       uint64
	crc        uint32
	method     uint16
}

// nameRef says that entry affects a package whose normalized name hashes
// to hash.
type nameRef struct {
	hash  uint64
	entry uint32
}

// record is the part of an OSV record that matching needs, reduced to the
// affected entries of one package.
type record struct {
	ID       string
	Aliases  []string
	Summary  string
	Severity string
	Affected []osvAffected
}

// osvRecord is the OSV schema subset nightlight reads.
type osvRecord struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Summary   string   `json:"summary"`
	Withdrawn string   `json:"withdrawn"`
	Severity  []struct {
		Type  string `json:"type"`
		Score string `json:"score"`
	} `json:"severity"`
	Affected         []osvAffected `json:"affected"`
	DatabaseSpecific struct {
		Severity string `json:"severity"`
	} `json:"database_specific"`
}

type osvAffected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
	} `json:"package"`
	Ranges []struct {
		Type   string     `json:"type"`
		Events []osvEvent `json:"events"`
	} `json:"ranges"`
	Versions []string `json:"versions"`
	Severity []struct {
		Type  string `json:"type"`
		Score string `json:"score"`
	} `json:"severity"`
}

type osvEvent struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// OpenDB returns the database in dir. It does not read anything yet; a
// directory without data gives a DB whose ecosystems are all missing.
func OpenDB(dir string) *DB {
	return &DB{dir: dir, seed: maphash.MakeSeed(), eco: map[string]*ecoData{}}
}

// Dir is the database directory.
func (db *DB) Dir() string { return db.dir }

// ZipPath is where the export of ecosystem eco lives in dir.
func ZipPath(dir, eco string) string { return filepath.Join(dir, eco, "all.zip") }

// Load makes the records of ecosystem eco that affect one of names
// (already normalized with NormalizeName) available to Match. The export
// is read and indexed on the first call for eco (a broken export is
// remembered as the ecosystem's error); later calls decode only the
// records of names not asked for before, so Load may be called once per
// part of a scan.
func (db *DB) Load(ctx context.Context, eco string, names map[string]bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	d, ok := db.eco[eco]
	if !ok {
		d = db.index(ctx, eco)
		db.eco[eco] = d
	}
	if !d.present || d.err != nil {
		return
	}
	var todo []string
	for n := range names {
		if _, ok := d.byName[n]; !ok {
			todo = append(todo, n)
		}
	}
	if len(todo) == 0 {
		return
	}
	sort.Strings(todo)
	if err := db.decode(ctx, eco, d, todo); err != nil {
		d.err = fmt.Errorf("vulnerability database %s: %w", d.path, err)
	}
}

// index reads ecosystem eco's export once: every record is decoded and
// checked as before (what is skipped, and why, does not depend on the
// names a scan needs), and the valid ones are indexed by the names they
// affect.
func (db *DB) index(ctx context.Context, eco string) *ecoData {
	p := ZipPath(db.dir, eco)
	d := &ecoData{byName: map[string][]*record{}, path: p}
	if _, err := os.Stat(p); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			d.err = fmt.Errorf("vulnerability database %s: %w", p, err)
		}
		return d
	}
	d.present = true
	zr, err := zip.OpenReader(p)
	if err != nil {
		d.err = fmt.Errorf("vulnerability database %s: %w (run `nightlight db update --ecosystem %s`)", p, err, eco)
		return d
	}
	defer zr.Close()
	if err := db.readRecords(ctx, &zr.Reader, eco, d); err != nil {
		d.err = fmt.Errorf("vulnerability database %s: %w", p, err)
	}
	return d
}

// readRecords reads and indexes the OSV records of zr into d.
func (db *DB) readRecords(ctx context.Context, zr *zip.Reader, eco string, d *ecoData) error {
	buf := &bytes.Buffer{}
	seen := map[uint64]bool{}
	for i, f := range zr.File {
		if i%512 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		if f.UncompressedSize64 > maxRecordBytes {
			d.skip(fmt.Sprintf("%s: %d bytes, over the %d-byte record limit", f.Name, f.UncompressedSize64, maxRecordBytes))
			continue
		}
		buf.Reset()
		rc, err := f.Open()
		if err != nil {
			d.skip(fmt.Sprintf("%s: %v", f.Name, err))
			continue
		}
		_, err = io.Copy(buf, io.LimitReader(rc, maxRecordBytes+1))
		rc.Close()
		if err != nil {
			d.skip(fmt.Sprintf("%s: %v", f.Name, err))
			continue
		}
		d.records++
		var r osvRecord
		if err := decodeRecord(buf.Bytes(), &r); err != nil {
			d.skip(fmt.Sprintf("%s: %v", f.Name, err))
			continue
		}
		if r.Withdrawn != "" {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			d.skip(fmt.Sprintf("%s: %v", f.Name, err))
			continue
		}
		entry := uint32(len(d.entries))
		clear(seen)
		for _, a := range r.Affected {
			if a.Package.Ecosystem != eco {
				continue
			}
			h := maphash.String(db.seed, NormalizeName(eco, a.Package.Name))
			if !seen[h] {
				seen[h] = true
				d.index = append(d.index, nameRef{hash: h, entry: entry})
			}
		}
		if len(seen) == 0 {
			continue
		}
		d.entries = append(d.entries, zipEntry{name: f.Name, offset: off, compressed: f.CompressedSize64, size: f.UncompressedSize64, crc: f.CRC32, method: f.Method})
	}
	slices.SortFunc(d.index, func(a, b nameRef) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return cmp.Compare(a.entry, b.entry)
	})
	return nil
}

// decode reads from the export the records affecting each of names (sorted)
// into d.byName. A record is decoded once per name it affects, keeping
// that name's affected entries.
func (db *DB) decode(ctx context.Context, eco string, d *ecoData, names []string) error {
	f, err := os.Open(d.path)
	if err != nil {
		return err
	}
	defer f.Close()
	var buf []byte
	for _, n := range names {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		h := maphash.String(db.seed, n)
		i, _ := slices.BinarySearchFunc(d.index, h, func(r nameRef, h uint64) int { return cmp.Compare(r.hash, h) })
		var recs []*record
		for ; i < len(d.index) && d.index[i].hash == h; i++ {
			e := &d.entries[d.index[i].entry]
			data, err := readEntry(f, e, &buf)
			if err != nil {
				return fmt.Errorf("%s: %w", e.name, err)
			}
			rec, err := parseRecord(data, eco, map[string]bool{n: true})
			if err != nil {
				return fmt.Errorf("%s: %w", e.name, err)
			}
			if rec != nil {
				recs = append(recs, rec)
			}
		}
		d.byName[n] = recs
	}
	return nil
}

// readEntry reads and checks entry e of the export f; the bytes returned
// live in *buf until the next call.
func readEntry(f *os.File, e *zipEntry, buf *[]byte) ([]byte, error) {
	raw := make([]byte, e.compressed)
	if _, err := f.ReadAt(raw, e.offset); err != nil {
		return nil, fmt.Errorf("reading the export again: %w", err)
	}
	var data []byte
	switch e.method {
	case zip.Store:
		data = raw
	case zip.Deflate:
		*buf = slices.Grow((*buf)[:0], int(e.size))
		w := bytes.NewBuffer((*buf)[:0])
		fr := flate.NewReader(bytes.NewReader(raw))
		_, err := io.Copy(w, io.LimitReader(fr, maxRecordBytes+1))
		fr.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the export again: %w", err)
		}
		*buf = w.Bytes()
		data = *buf
	default:
		return nil, zip.ErrAlgorithm
	}
	if uint64(len(data)) != e.size || crc32.ChecksumIEEE(data) != e.crc {
		return nil, errors.New("the export changed during the scan")
	}
	return data, nil
}

func (d *ecoData) skip(reason string) {
	d.skipped++
	if len(d.reasons) < 3 {
		d.reasons = append(d.reasons, reason)
	}
}

// parseRecord decodes one OSV record and returns the part that affects a
// package in names, or nil when it affects none of them or is withdrawn.
func parseRecord(data []byte, eco string, names map[string]bool) (*record, error) {
	var r osvRecord
	if err := decodeRecord(data, &r); err != nil {
		return nil, err
	}
	if r.Withdrawn != "" {
		return nil, nil
	}
	rec := &record{ID: r.ID, Aliases: r.Aliases, Summary: r.Summary}
	for _, a := range r.Affected {
		if a.Package.Ecosystem != eco || !names[NormalizeName(eco, a.Package.Name)] {
			continue
		}
		rec.Affected = append(rec.Affected, a)
	}
	if len(rec.Affected) == 0 {
		return nil, nil
	}
	rec.Severity = recordSeverity(&r)
	sort.Strings(rec.Aliases)
	return rec, nil
}

// decodeRecord decodes one OSV record into r, which must have an ID.
func decodeRecord(data []byte, r *osvRecord) error {
	if err := json.Unmarshal(data, r); err != nil {
		return fmt.Errorf("not an OSV record: %w", err)
	}
	if r.ID == "" {
		return errors.New("OSV record without an id")
	}
	return nil
}

// recordSeverity is the record's severity: the database's own (GitHub's
// LOW/MODERATE/HIGH/CRITICAL), else the highest CVSS v3 base score among the
// record's and its affected entries' vectors, else "critical" for a
// malicious-package record, else "".
func recordSeverity(r *osvRecord) string {
	switch strings.ToUpper(r.DatabaseSpecific.Severity) {
	case "CRITICAL":
		return "critical"
	case "HIGH":
		return "high"
	case "MODERATE", "MEDIUM":
		return "medium"
	case "LOW":
		return "low"
	}
	best := -1.0
	consider := func(typ, score string) {
		if typ != "CVSS_V3" {
			return
		}
		if s, err := CVSS3Score(score); err == nil && s > best {
			best = s
		}
	}
	for _, s := range r.Severity {
		consider(s.Type, s.Score)
	}
	for _, a := range r.Affected {
		for _, s := range a.Severity {
			consider(s.Type, s.Score)
		}
	}
	switch {
	case best >= 9:
		return "critical"
	case best >= 7:
		return "high"
	case best >= 4:
		return "medium"
	case best > 0:
		return "low"
	case best == 0:
		return "low"
	}
	if strings.HasPrefix(r.ID, "MAL-") {
		return "critical"
	}
	return ""
}

// NormalizeName returns the name under which ecosystem eco's registry
// knows a package: PyPI names are case-insensitive with runs of "-", "_"
// and "." equivalent (PEP 503); other ecosystems compare names as written.
func NormalizeName(eco, name string) string {
	if eco != "PyPI" {
		return name
	}
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// Status is what the database holds for one ecosystem.
type Status struct {
	Ecosystem string
	// Present is false when the ecosystem's export is absent.
	Present bool
	Path    string
	Size    int64
	ModTime int64 // Unix seconds
	// Records counts the JSON entries of the export (without decoding them).
	Records int
	Err     error
}

// Stat describes what dir holds for each of the ecosystems (Ecosystems()
// when none are given), without decoding records.
func Stat(dir string, ecos ...string) []Status {
	if len(ecos) == 0 {
		ecos = Ecosystems()
	}
	var out []Status
	for _, eco := range ecos {
		s := Status{Ecosystem: eco, Path: ZipPath(dir, eco)}
		fi, err := os.Stat(s.Path)
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				s.Err = err
			}
			out = append(out, s)
			continue
		}
		s.Present, s.Size, s.ModTime = true, fi.Size(), fi.ModTime().Unix()
		zr, err := zip.OpenReader(s.Path)
		if err != nil {
			s.Err = err
			out = append(out, s)
			continue
		}
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, ".json") {
				s.Records++
			}
		}
		zr.Close()
		out = append(out, s)
	}
	return out
}

// Info summarizes what the database gave the scan, for the report.
func (db *DB) Info(needed []string) *model.VulnDB {
	db.mu.Lock()
	defer db.mu.Unlock()
	info := &model.VulnDB{Dir: db.dir}
	for _, eco := range needed {
		d := db.eco[eco]
		switch {
		case d == nil || !d.present:
			info.Missing = append(info.Missing, eco)
		case d.err != nil:
			info.Errors = append(info.Errors, d.err.Error())
		default:
			info.Ecosystems = append(info.Ecosystems, eco)
			info.Available = true
			if d.skipped > 0 {
				info.Errors = append(info.Errors, fmt.Sprintf("%s: %d of %d records skipped (%s)", eco, d.skipped, d.records, strings.Join(d.reasons, "; ")))
			}
		}
	}
	sort.Strings(info.Ecosystems)
	sort.Strings(info.Missing)
	sort.Strings(info.Errors)
	return info
}

// usable reports whether ecosystem eco was loaded without a fatal error.
func (db *DB) usable(eco string) bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	d := db.eco[eco]
	return d != nil && d.present && d.err == nil
}

// records returns the loaded records affecting package name of eco.
func (db *DB) records(eco, name string) []*record {
	db.mu.Lock()
	defer db.mu.Unlock()
	d := db.eco[eco]
	if d == nil {
		return nil
	}
	return d.byName[NormalizeName(eco, name)]
}
