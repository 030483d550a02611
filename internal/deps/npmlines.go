package deps

import (
	"bytes"
	"encoding/json"
	"strings"
)

// npmLock is what nightlight reads of a package-lock.json itself, keyed by
// name@version: the first line declaring each package and the names of the
// packages it depends on.
type npmLock struct {
	lines    map[string]int
	requires map[string]map[string]bool
}

func newNPMLock() *npmLock {
	return &npmLock{lines: map[string]int{}, requires: map[string]map[string]bool{}}
}

func (l *npmLock) add(key string, line int, deps ...map[string]string) {
	if old, ok := l.lines[key]; !ok || line < old {
		l.lines[key] = line
	}
	r := l.requires[key]
	if r == nil {
		r = map[string]bool{}
		l.requires[key] = r
	}
	for _, m := range deps {
		for n := range m {
			r[n] = true
		}
	}
}

// npmLockInfo reads a package-lock.json or npm-shrinkwrap.json for what
// osv-scalibr leaves out: the first line that declares each name@version
// (one version is often installed at several places of the node_modules
// tree; osv-scalibr reports it once, at whichever place its map iteration
// met last) and each package's dependencies (dependencies, optional and
// peer dependencies: a superset of what it may load). It returns nil when
// the file is not a JSON object.
func npmLockInfo(data []byte) *npmLock {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	lc := &lineCounter{data: data}
	fromPackages := newNPMLock()
	fromDeps := newNPMLock()
	hasPackages := false
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil
		}
		switch kt {
		case "packages":
			hasPackages = true
			if walkLockPackages(dec, lc, fromPackages) != nil {
				return nil
			}
		case "dependencies":
			if walkLockDeps(dec, lc, fromDeps, 0) != nil {
				return nil
			}
		default:
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
		}
	}
	if hasPackages {
		return fromPackages // what osv-scalibr reads when both are present
	}
	return fromDeps
}

// lineCounter converts increasing byte offsets to lines without rescanning
// the file from its start each time.
type lineCounter struct {
	data []byte
	off  int
	line int
}

// at returns the 1-based line of byte offset i.
func (c *lineCounter) at(i int) int {
	if i < c.off {
		c.off, c.line = 0, 0
	}
	if i > len(c.data) {
		i = len(c.data)
	}
	c.line += bytes.Count(c.data[c.off:i], []byte("\n"))
	c.off = i
	return c.line + 1
}

// walkLockPackages reads the "packages" object of a v2/v3 lockfile.
func walkLockPackages(dec *json.Decoder, lc *lineCounter, out *npmLock) error {
	if t, err := dec.Token(); err != nil {
		return err
	} else if t != json.Delim('{') {
		var skip json.RawMessage
		return dec.Decode(&skip)
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		line := lc.at(int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var e npmLockInfoFields
		if key == "" || json.Unmarshal(raw, &e) != nil {
			continue
		}
		out.addEntry(key, line, &e)
	}
	_, err := dec.Token() // '}'
	return err
}

// npmLockInfoFields is what npmLockInfo reads of a "packages" entry.
type npmLockInfoFields struct {
	Name     string                     `json:"name"`
	Version  string                     `json:"version"`
	Deps     map[string]string          `json:"dependencies"`
	Optional map[string]string          `json:"optionalDependencies"`
	Peer     map[string]string          `json:"peerDependencies"`
	PeerMeta map[string]json.RawMessage `json:"peerDependenciesMeta"`
}

// addEntry adds the "packages" entry at key (not the root, ""), declared
// on line.
func (l *npmLock) addEntry(key string, line int, e *npmLockInfoFields) {
	name := e.Name
	if name == "" {
		name = key
		if i := strings.LastIndex(key, "node_modules/"); i >= 0 {
			name = key[i+len("node_modules/"):]
		}
	}
	peerMeta := map[string]string{}
	for n := range e.PeerMeta {
		peerMeta[n] = ""
	}
	l.add(name+"@"+e.Version, line, e.Deps, e.Optional, e.Peer, peerMeta)
}

// walkLockDeps reads the nested "dependencies" object of a v1 lockfile.
func walkLockDeps(dec *json.Decoder, lc *lineCounter, out *npmLock, depth int) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') || depth > 200 {
		if d, ok := t.(json.Delim); ok && (d == '{' || d == '[') {
			return skipRest(dec)
		}
		return nil
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := kt.(string)
		line := lc.at(int(dec.InputOffset()))
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if t != json.Delim('{') {
			if d, ok := t.(json.Delim); ok && d == '[' {
				if err := skipRest(dec); err != nil {
					return err
				}
			}
			continue
		}
		version := ""
		var requires map[string]string
		for dec.More() {
			ft, err := dec.Token()
			if err != nil {
				return err
			}
			switch ft {
			case "version":
				if err := dec.Decode(&version); err != nil {
					return err
				}
			case "requires":
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return err
				}
				_ = json.Unmarshal(raw, &requires) // v1 also has "requires": true at the top
			case "dependencies":
				if err := walkLockDeps(dec, lc, out, depth+1); err != nil {
					return err
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return err
				}
			}
		}
		if _, err := dec.Token(); err != nil { // '}'
			return err
		}
		n, v := name, version
		if strings.HasPrefix(v, "npm:") { // an alias: npm:string-width@^4.2.0
			if i := strings.LastIndex(v, "@"); i > 4 {
				n, v = v[4:i], v[i+1:]
			}
		}
		out.add(n+"@"+v, line, requires)
	}
	_, err = dec.Token() // '}'
	return err
}

// skipRest consumes the rest of an object or array whose opening delimiter
// was just read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
	}
	return nil
}
