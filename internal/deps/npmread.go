package deps

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// npmLockRead is a v2/v3 package-lock.json read by nightlight in one walk:
// the slices osv-scalibr's extractor is fed (splitNPMLock), what
// fixPackageLock reads (links, local packages, `file:` dependencies) and
// npmLockInfo's lines and dependencies. Without it the file is walked
// three times (the split, fixPackageLock's json.Unmarshal, npmLockInfo's
// token walk).
//
// readNPMLock gives one only for a plain lockfile, where the one walk
// provably reads what the three would: a "packages" object whose entries
// are objects that decode without error, no repeated, case-folded or
// escaped keys, a "dependencies" section that decodes without error,
// nothing after the document. For anything else it returns nil and the
// three readers run as before.
type npmLockRead struct {
	split *npmLockSplit
	lock  npmLockFix
	info  *npmLock
}

// npmLockFix is what fixPackageLock reads of a lockfile: its "packages"
// entries' names, links and resolved places, and the versions of its
// top-level "dependencies".
type npmLockFix struct {
	Packages     map[string]npmLockPackage `json:"packages"`
	Dependencies map[string]struct {
		Version string `json:"version"`
	} `json:"dependencies"`
}

// npmLockPackage is what fixPackageLock reads of a "packages" entry.
type npmLockPackage struct {
	Name     string `json:"name"`
	Link     bool   `json:"link"`
	Resolved string `json:"resolved"`
}

// npmLockDep is an entry of a v1 "dependencies" tree, decoded with its
// nested entries so that any of them that npmLockInfo's walk would stop at
// (a non-string version) fails the decoding too.
type npmLockDep struct {
	Version      string                `json:"version"`
	Dependencies map[string]npmLockDep `json:"dependencies"`
}

// npmLockEntryFields is everything the three readers decode of a
// "packages" entry.
type npmLockEntryFields struct {
	npmLockInfoFields
	Link     bool   `json:"link"`
	Resolved string `json:"resolved"`
}

// readNPMLock reads a plain v2/v3 lockfile in one walk, or returns nil.
func readNPMLock(data []byte) *npmLockRead {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	lc := &lineCounter{data: data}
	r := &npmLockRead{split: &npmLockSplit{}, info: newNPMLock()}
	var head bytes.Buffer
	seen := map[string]bool{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := kt.(string)
		field := npmLockField(key)
		if field != "" && (field != key || seen[field]) {
			return nil
		}
		seen[field] = true
		var raw json.RawMessage
		switch field {
		case "packages":
			if !r.readPackages(dec, data, lc) {
				return nil
			}
			continue
		case "":
			if dec.Decode(&raw) != nil {
				return nil
			}
			continue
		}
		if dec.Decode(&raw) != nil {
			return nil
		}
		if field == "dependencies" && !r.readDependencies(raw) {
			return nil
		}
		k, _ := json.Marshal(field)
		head.WriteByte(',')
		head.Write(k)
		head.WriteByte(':')
		if json.Compact(&head, raw) != nil {
			return nil
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil
	}
	if !seen["packages"] {
		return nil
	}
	r.split.head = head.Bytes()
	return r
}

// npmLockField is the top-level field of a lockfile that key names when
// encoding/json matches it (case-insensitively), or "".
func npmLockField(key string) string {
	for _, f := range []string{"lockfileVersion", "dependencies", "packages"} {
		if strings.EqualFold(key, f) {
			return f
		}
	}
	return ""
}

// readPackages reads the "packages" object, each entry once, for the three
// readers; false when it is not plain.
func (r *npmLockRead) readPackages(dec *json.Decoder, data []byte, lc *lineCounter) bool {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	r.lock.Packages = map[string]npmLockPackage{}
	keys := map[string]bool{}
	for dec.More() {
		key, rawKey, end, ok := npmLockKey(dec, data, keys)
		if !ok {
			return false
		}
		keyLine := lc.at(end)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return false
		}
		vend := int(dec.InputOffset())
		var e npmLockEntryFields
		if !bytes.HasPrefix(raw, []byte("{")) || json.Unmarshal(raw, &e) != nil {
			return false
		}
		var v bytes.Buffer
		if json.Compact(&v, raw) != nil {
			return false
		}
		r.lock.Packages[key] = npmLockPackage{Name: e.Name, Link: e.Link, Resolved: e.Resolved}
		name := e.Name
		if name == "" {
			name = npmLockKeyName(key)
		}
		r.split.entries = append(r.split.entries, npmLockEntry{key: rawKey, value: v.Bytes(), line: lc.at(vend - len(raw)), name: name})
		if key != "" {
			r.info.addEntry(key, keyLine, &e.npmLockInfoFields)
		}
	}
	_, err := dec.Token() // '}'
	return err == nil
}

// readDependencies decodes the top-level "dependencies" (the v1 tree, kept
// in v2 lockfiles) with every nested entry, for fixPackageLock's versions;
// false when an entry does not decode (npmLockInfo's walk would stop).
func (r *npmLockRead) readDependencies(raw []byte) bool {
	var deps map[string]npmLockDep
	if json.Unmarshal(raw, &deps) != nil {
		return false
	}
	r.lock.Dependencies = nil
	if deps != nil {
		r.lock.Dependencies = make(map[string]struct {
			Version string `json:"version"`
		}, len(deps))
		for name, d := range deps {
			r.lock.Dependencies[name] = struct {
				Version string `json:"version"`
			}{d.Version}
		}
	}
	return true
}
