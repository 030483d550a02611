package deps

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/inventory"
)

// npmLockChunk is how many entries of a package-lock.json's "packages"
// object osv-scalibr's extractor sees at once.
//
// The extractor finds each package's line with a gjson query that scans the
// file from its start, so its cost grows with the square of the file's size
// (7% of the corpus scan, most of it in a few 0.5–1 MB lockfiles). Fed
// slices of at most npmLockChunk entries it is linear, and its results are
// the same: the slices keep together every entry that can share a package
// (same resolved name), and each line it reports is mapped back to the
// whole file.
const npmLockChunk = 128

// extractNPMLock runs ex (osv-scalibr's package-lock.json extractor) on a
// lockfile, in slices of at most chunk entries of its "packages" object
// when the file is a plain v2/v3 lockfile larger than one slice. Anything
// unusual (no or small "packages", duplicate or case-folded keys, escaped
// keys, invalid JSON, an npm-shrinkwrap.json beside a package-lock.json,
// an error in a slice) goes to the extractor whole, so errors and results
// stay exactly the extractor's.
//
// split is the file taken apart already (readNPMLock), or nil to take it
// apart here.
func extractNPMLock(ctx context.Context, ex filesystem.Extractor, fsys FS, rel string, data []byte, split *npmLockSplit, chunk int) (inventory.Inventory, error) {
	whole := func() (inventory.Inventory, error) {
		return ex.Extract(ctx, &filesystem.ScanInput{FS: fsys, Path: rel, Root: ".", Reader: bytes.NewReader(data)})
	}
	if chunk <= 0 {
		return whole()
	}
	if path.Base(rel) == "package-lock.json" && fsys != nil {
		if _, err := fs.Stat(fsys, path.Join(path.Dir(rel), "npm-shrinkwrap.json")); err == nil {
			return whole() // the extractor reads nothing then
		}
	}
	lf, ok := split, split != nil
	if !ok {
		lf, ok = splitNPMLock(data)
	}
	if !ok || len(lf.entries) <= chunk {
		return whole()
	}
	var out inventory.Inventory
	for _, c := range lf.chunks(chunk) {
		inv, err := ex.Extract(ctx, &filesystem.ScanInput{FS: fsys, Path: rel, Root: ".", Reader: bytes.NewReader(c.doc)})
		if err != nil {
			return whole()
		}
		for _, p := range inv.Packages {
			if d := p.Location.Descriptor; d != nil && d.File != nil && d.File.LineNumber > 0 {
				i := d.File.LineNumber - 2 // entry i of the slice is on line i+2
				if i < 0 || i >= len(c.lines) {
					return whole()
				}
				d.File.LineNumber = c.lines[i]
			}
		}
		out.Packages = append(out.Packages, inv.Packages...)
	}
	return out, nil
}

// npmLockEntry is one entry of a lockfile's "packages" object: its key as
// written, its value compacted to one line, the line of the value in the
// file, and the package name the extractor derives from it.
type npmLockEntry struct {
	key   []byte
	value []byte
	line  int
	name  string
}

// npmLockSplit is a lockfile taken apart for slicing: the other top-level
// members the extractor decodes, and the "packages" entries in file order.
type npmLockSplit struct {
	head    []byte // `,"lockfileVersion":…,"dependencies":…` compacted, or empty
	entries []npmLockEntry
}

// npmLockSlice is one slice of a lockfile: a JSON document with some
// entries, each on its own line (and the head after them in the first
// slice, where gjson's queries for "packages" do not pass over it), and the lines of those
// entries in the whole file.
type npmLockSlice struct {
	doc   []byte
	lines []int
}

// chunks cuts the entries into slices of at most n entries (more when one
// name has more entries), keeping all entries of a name in one slice.
func (s *npmLockSplit) chunks(n int) []npmLockSlice {
	byName := map[string][]int{}
	var names []string
	for i, e := range s.entries {
		if _, ok := byName[e.name]; !ok {
			names = append(names, e.name)
		}
		byName[e.name] = append(byName[e.name], i)
	}
	var out []npmLockSlice
	var cur []int
	flush := func() {
		if len(cur) == 0 {
			return
		}
		sort.Ints(cur) // file order within the slice
		var b bytes.Buffer
		b.WriteString(`{"packages":{`)
		sl := npmLockSlice{lines: make([]int, 0, len(cur))}
		for k, i := range cur {
			e := s.entries[i]
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
			b.Write(e.key)
			b.WriteByte(':')
			b.Write(e.value)
			sl.lines = append(sl.lines, e.line)
		}
		b.WriteString("\n}")
		if len(out) == 0 {
			b.Write(s.head) // decoded once, for the same errors as the whole file
		}
		b.WriteString("}")
		sl.doc = b.Bytes()
		out = append(out, sl)
		cur = nil
	}
	for _, name := range names {
		idx := byName[name]
		if len(cur) > 0 && len(cur)+len(idx) > n {
			flush()
		}
		cur = append(cur, idx...)
	}
	flush()
	return out
}

// splitNPMLock takes a v2/v3 lockfile apart, or reports false when it is
// anything the slices might not reproduce exactly.
func splitNPMLock(data []byte) (*npmLockSplit, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	lc := &lineCounter{data: data}
	s := &npmLockSplit{}
	var head bytes.Buffer
	seen := map[string]bool{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := kt.(string)
		field := npmLockField(key)
		if field != "" && (field != key || seen[field]) {
			return nil, false // encoding/json's case-insensitive or repeated fields
		}
		seen[field] = true
		switch field {
		case "packages":
			if !splitNPMLockPackages(dec, data, lc, s) {
				return nil, false
			}
		case "":
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil, false
			}
		default:
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				return nil, false
			}
			k, _ := json.Marshal(field)
			head.WriteByte(',')
			head.Write(k)
			head.WriteByte(':')
			if json.Compact(&head, raw) != nil {
				return nil, false
			}
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF { // nothing after the object
		return nil, false
	}
	if !seen["packages"] {
		return nil, false
	}
	s.head = head.Bytes()
	return s, true
}

// splitNPMLockPackages reads the "packages" object into s.entries.
func splitNPMLockPackages(dec *json.Decoder, data []byte, lc *lineCounter, s *npmLockSplit) bool {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false // null or not an object: the extractor reads "dependencies"
	}
	keys := map[string]bool{}
	for dec.More() {
		key, rawKey, _, ok := npmLockKey(dec, data, keys)
		if !ok {
			return false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return false
		}
		vend := int(dec.InputOffset())
		var v bytes.Buffer
		if json.Compact(&v, raw) != nil {
			return false
		}
		var e struct {
			Name string `json:"name"`
		}
		if bytes.HasPrefix(raw, []byte("{")) && json.Unmarshal(raw, &e) != nil {
			return false
		}
		name := e.Name
		if name == "" {
			name = npmLockKeyName(key)
		}
		s.entries = append(s.entries, npmLockEntry{key: rawKey, value: v.Bytes(), line: lc.at(vend - len(raw)), name: name})
	}
	_, err := dec.Token() // '}'
	return err == nil
}

// npmLockKey reads the next key of the "packages" object, written as
// json.Marshal writes it, and where it ends; false when it is repeated (in
// seen, which it is added to) or written with escapes gjson may read
// differently.
func npmLockKey(dec *json.Decoder, data []byte, seen map[string]bool) (key string, rawKey []byte, end int, ok bool) {
	kt, err := dec.Token()
	if err != nil {
		return "", nil, 0, false
	}
	key, _ = kt.(string)
	end = int(dec.InputOffset())
	rawKey, err = json.Marshal(key)
	if err != nil || seen[key] || end < len(rawKey) || !bytes.Equal(data[end-len(rawKey):end], rawKey) {
		return "", nil, 0, false
	}
	seen[key] = true
	return key, rawKey, end, true
}

// npmLockKeyName is the package name of a "packages" key: its last path
// element, with its scope when it has one ("node_modules/@a/b" → "@a/b").
func npmLockKeyName(key string) string {
	name := path.Base(key)
	if scope := path.Base(path.Dir(key)); strings.HasPrefix(scope, "@") {
		name = scope + "/" + name
	}
	return name
}
