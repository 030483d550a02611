package deps

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// The fix-ups below complete what osv-scalibr's extractors leave out and
// nightlight needs for precision: which packages are local code rather than
// registry packages, and which ones only development installs.

// dropNames removes the packages of out named in drop (normalized), with a
// note each.
func dropNames(eco string, out *Parsed, drop map[string]string) {
	if len(drop) == 0 {
		return
	}
	kept := out.Packages[:0]
	for _, p := range out.Packages {
		if why, ok := drop[NormalizeName(eco, p.Name)]; ok {
			out.Notes = append(out.Notes, model.Diagnostic{Pos: p.Pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s: %s: not matched against advisories", p.Name, why)})
			continue
		}
		kept = append(kept, p)
	}
	out.Packages = kept
}

// fixPackageLock drops linked and local packages of a package-lock.json
// (workspaces, `file:` dependencies): they are the project's own code. It
// positions each package on the first place the file installs it. read is
// the file read in one walk (readNPMLock), or nil to read it here.
func fixPackageLock(data []byte, read *npmLockRead, out *Parsed) {
	var l npmLockFix
	var info *npmLock
	if read != nil {
		l, info = read.lock, read.info
	} else {
		if json.Unmarshal(data, &l) != nil {
			return
		}
		info = npmLockInfo(data)
	}
	drop := map[string]string{}
	keys := make([]string, 0, len(l.Packages))
	for key := range l.Packages {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		p := l.Packages[key]
		if key == "" {
			continue
		}
		if _, done := drop[key]; done {
			continue
		}
		i := strings.LastIndex(key, "node_modules/")
		switch {
		case p.Link && i >= 0:
			drop[key[i+len("node_modules/"):]] = "a linked local package (" + p.Resolved + ")"
		case i < 0 && p.Name != "":
			if _, ok := drop[p.Name]; !ok {
				drop[p.Name] = "a local package (" + key + ")"
			}
		}
	}
	for name, d := range l.Dependencies {
		if strings.HasPrefix(d.Version, "file:") || strings.HasPrefix(d.Version, "link:") {
			drop[name] = "a local package (" + d.Version + ")"
		}
	}
	dropNames("npm", out, drop)
	if info != nil {
		for _, p := range out.Packages {
			k := p.Name + "@" + p.Version
			if l, ok := info.lines[k]; ok {
				p.Pos.Line = l
			}
			if r, ok := info.requires[k]; ok {
				p.Requires, p.RequiresKnown = sortedSet(r), true
			}
		}
	}
}

// fixPoetry marks Poetry 1.x `category = "dev"` packages as development
// only and drops Git, directory, file and URL sources.
func fixPoetry(data []byte, out *Parsed) {
	var l struct {
		Package []struct {
			Name     string `toml:"name"`
			Version  string `toml:"version"`
			Category string `toml:"category"`
			Source   struct {
				Type string `toml:"type"`
			} `toml:"source"`
			Deps map[string]toml.Primitive `toml:"dependencies"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &l); err != nil {
		return
	}
	dev := map[string]bool{}
	drop := map[string]string{}
	requires := map[string]map[string]bool{}
	for _, p := range l.Package {
		n := NormalizeName("PyPI", p.Name)
		r := map[string]bool{}
		for d := range p.Deps {
			r[d] = true
		}
		requires[n+"@"+p.Version] = r
		if p.Category == "dev" {
			dev[n] = true
		}
		switch p.Source.Type {
		case "git", "directory", "file", "url":
			drop[n] = "installed from a " + p.Source.Type + " source, not the registry"
		}
	}
	for _, p := range out.Packages {
		if dev[NormalizeName("PyPI", p.Name)] {
			p.Dev = true
		}
		if r, ok := requires[NormalizeName("PyPI", p.Name)+"@"+p.Version]; ok {
			p.Requires, p.RequiresKnown = sortedSet(r), true
		}
	}
	dropNames("PyPI", out, drop)
}

// fixUV computes which packages of a uv.lock a production install gets:
// those the project's own packages (source virtual or editable) depend on,
// transitively, leaving out dev groups and optional extras. Packages from
// Git, a path or a URL are dropped.
func fixUV(data []byte, out *Parsed) {
	type dep struct {
		Name string `toml:"name"`
	}
	var l struct {
		Package []struct {
			Name    string         `toml:"name"`
			Version string         `toml:"version"`
			Source  map[string]any `toml:"source"`
			Deps    []dep          `toml:"dependencies"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &l); err != nil {
		return
	}
	graph := map[string][]string{}
	var roots []string
	drop := map[string]string{}
	requires := map[string]map[string]bool{}
	for _, p := range l.Package {
		n := NormalizeName("PyPI", p.Name)
		r := map[string]bool{}
		for _, d := range p.Deps {
			graph[n] = append(graph[n], NormalizeName("PyPI", d.Name))
			r[d.Name] = true
		}
		requires[n+"@"+p.Version] = r
		for k, v := range p.Source {
			switch k {
			case "virtual", "editable":
				roots = append(roots, n)
				drop[n] = "the project itself"
			case "git", "path", "directory", "url":
				drop[n] = fmt.Sprintf("installed from %s %v, not the registry", k, v)
			}
		}
	}
	for _, p := range out.Packages {
		if r, ok := requires[NormalizeName("PyPI", p.Name)+"@"+p.Version]; ok {
			p.Requires, p.RequiresKnown = sortedSet(r), true
		}
	}
	if len(roots) == 0 {
		return // a lock without the project's own entry: cannot tell
	}
	prod := map[string]bool{}
	stack := append([]string(nil), roots...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range graph[n] {
			if !prod[d] {
				prod[d] = true
				stack = append(stack, d)
			}
		}
	}
	for _, p := range out.Packages {
		if !prod[NormalizeName("PyPI", p.Name)] {
			p.Dev = true
		}
	}
	delete(drop, "")
	for _, r := range roots {
		delete(drop, r) // osv-scalibr already skips the project itself
	}
	dropNames("PyPI", out, drop)
}

// noteRequirementURLs adds a note for each requirement installed from a
// VCS, a URL or a local path, which osv-scalibr skips silently.
func noteRequirementURLs(display string, data []byte, out *Parsed) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if i := strings.Index(l, " #"); i >= 0 {
			l = strings.TrimSpace(l[:i])
		}
		low := strings.ToLower(l)
		var what string
		switch {
		case strings.HasPrefix(low, "git+"), strings.HasPrefix(low, "hg+"), strings.HasPrefix(low, "svn+"), strings.HasPrefix(low, "bzr+"):
			what = "a VCS requirement"
		case strings.HasPrefix(low, "http://"), strings.HasPrefix(low, "https://"), strings.Contains(low, " @ "):
			what = "a URL requirement"
		case strings.HasPrefix(low, "-e "), strings.HasPrefix(low, "--editable"), strings.HasPrefix(low, "./"), strings.HasPrefix(low, "../"), strings.HasPrefix(low, "file:"):
			what = "a local or editable requirement"
		default:
			continue
		}
		out.Notes = append(out.Notes, model.Diagnostic{Pos: model.Pos{File: display, Line: n}, Severity: model.DiagInfo, Message: fmt.Sprintf("%s (%s) has no registry version: not matched against advisories", what, l)})
	}
}

// sortedSet returns the keys of m, sorted.
func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
