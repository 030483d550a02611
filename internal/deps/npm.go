package deps

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/osv-scalibr/semantic"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// packageJSON is the part of package.json that says what is installed.
type packageJSON struct {
	Dependencies         map[string]string `json:"dependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
}

// parsePackageJSON reads a package.json as the only description of what an
// install puts in node_modules (no lockfile beside it): each range resolves
// to the lowest version it allows (Pinning range: the build is not
// reproducible), `*`/`latest` are unpinned, Git/URL/file/workspace
// dependencies are skipped with a note.
func parsePackageJSON(display string, data []byte) (*Parsed, error) {
	if err := checkText(display, data); err != nil {
		return nil, err
	}
	var pj packageJSON
	if err := json.Unmarshal(data, &pj); err != nil {
		return nil, jsonErr(display, data, err)
	}
	out := &Parsed{}
	add := func(section string, deps map[string]string, dev bool) {
		for _, name := range sortedKeys(deps) {
			spec := deps[name]
			pos := model.Pos{File: display, Line: keyLine(data, section, name)}
			realName, ver, pin, why := npmLowest(name, spec)
			if why != "" {
				out.Notes = append(out.Notes, model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s %q: %s", name, spec, why)})
				continue
			}
			p := &model.Package{Ecosystem: "npm", Name: realName, Version: ver, Pinning: pin, Pos: pos, Dev: dev, Direct: true, DirectKnown: true}
			if pin != model.PinExact {
				p.Constraint = spec
			}
			out.Packages = append(out.Packages, p)
		}
	}
	add("dependencies", pj.Dependencies, false)
	add("optionalDependencies", pj.OptionalDependencies, false)
	add("devDependencies", pj.DevDependencies, true)
	markRetired(out.Packages)
	sortPackages(out.Packages)
	return out, nil
}

// jsonErr positions a JSON decoding error.
func jsonErr(display string, data []byte, err error) error {
	off := -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = int(e.Offset)
	case *json.UnmarshalTypeError:
		off = int(e.Offset)
	}
	if off >= 0 {
		return fmt.Errorf("%s:%d: invalid JSON: %v", display, lineOf(data, off), err)
	}
	return fmt.Errorf("%s: invalid JSON: %v", display, err)
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sortStrings(ks)
	return ks
}

// keyLine finds the line of "name" inside the object that follows
// "section" in a JSON file (0 when not found).
func keyLine(data []byte, section, name string) int {
	i := bytes.Index(data, []byte(`"`+section+`"`))
	if i < 0 {
		return 0
	}
	key, _ := json.Marshal(name)
	j := bytes.Index(data[i:], key)
	if j < 0 {
		return lineOf(data, i)
	}
	return lineOf(data, i+j)
}

var (
	npmExactRE = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?)$`)
	npmPartRE  = regexp.MustCompile(`^v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(-[0-9A-Za-z.\-]+)?$`)
)

// npmLowest resolves an npm dependency spec to the lowest version it
// allows. It returns the package name (an `npm:` alias names another
// package), the version, how pinned it is, or a reason the spec is not
// matched against advisories.
func npmLowest(name, spec string) (string, string, model.Pinning, string) {
	spec = strings.TrimSpace(spec)
	if rest, ok := strings.CutPrefix(spec, "npm:"); ok {
		i := strings.LastIndex(rest, "@")
		if i <= 0 {
			return name, "", model.PinNone, "an npm alias without a version is not matched against advisories"
		}
		name, spec = rest[:i], rest[i+1:]
	}
	switch {
	case spec == "" || spec == "*" || spec == "latest" || spec == "x" || spec == "X":
		return name, "", model.PinNone, ""
	case strings.HasPrefix(spec, "file:"), strings.HasPrefix(spec, "link:"), strings.HasPrefix(spec, "workspace:"),
		strings.HasPrefix(spec, "portal:"), strings.HasPrefix(spec, "./"), strings.HasPrefix(spec, "../"), strings.HasPrefix(spec, "/"):
		return name, "", "", "a local (file/link/workspace) dependency is part of your code, not a registry package"
	case strings.Contains(spec, "://"), strings.HasPrefix(spec, "git"), strings.HasPrefix(spec, "github:"),
		strings.HasPrefix(spec, "gitlab:"), strings.HasPrefix(spec, "bitbucket:"), regexp.MustCompile(`^[\w.\-]+/[\w.\-]+(#.*)?$`).MatchString(spec):
		return name, "", "", "a Git or URL dependency has no registry version to match against advisories"
	}
	if m := npmExactRE.FindStringSubmatch(strings.TrimPrefix(spec, "=")); m != nil {
		if !ValidVersion(m[1]) {
			return name, "", "", "the version is too long or malformed to match against advisories"
		}
		return name, m[1], model.PinExact, ""
	}
	best := ""
	for _, alt := range strings.Split(spec, "||") {
		v, ok := lowestOfSet(strings.TrimSpace(alt))
		if !ok {
			return name, "", "", "a version range without a lower bound is not matched against advisories"
		}
		if v == "" {
			return name, "", model.PinNone, ""
		}
		if best == "" || semverCmp(v, best) < 0 {
			best = v
		}
	}
	if !ValidVersion(best) {
		// e.g. a 128-digit major version completed to "N.0.0"
		return name, "", "", "the version range is too long or malformed to match against advisories"
	}
	return name, best, model.PinRange, ""
}

// semverCmp compares two npm versions.
func semverCmp(a, b string) int {
	c, _ := semantic.MustParse(a, "npm").CompareStr(b)
	return c
}

// lowestOfSet returns the lowest version one comparator set allows ("" for
// any version), or false when it has no lower bound that is a version.
func lowestOfSet(set string) (string, bool) {
	if set == "" || set == "*" || set == "x" || set == "X" {
		return "", true
	}
	if a, b, ok := strings.Cut(set, " - "); ok {
		_ = b
		return partial(strings.TrimSpace(a))
	}
	lower := ""
	for _, c := range strings.Fields(set) {
		switch {
		case strings.HasPrefix(c, ">="):
			v, ok := partial(strings.TrimSpace(c[2:]))
			if !ok {
				return "", false
			}
			if lower == "" || semverCmp(v, lower) > 0 {
				lower = v
			}
		case strings.HasPrefix(c, "<"):
			// an upper bound: does not move the lower one
		case strings.HasPrefix(c, ">"):
			return "", false // the lowest version above x is not knowable offline
		default:
			v, ok := partial(strings.TrimLeft(c, "^~="))
			if !ok {
				return "", false
			}
			if lower == "" || semverCmp(v, lower) > 0 {
				lower = v
			}
		}
	}
	if lower == "" {
		return "", false
	}
	return lower, true
}

// partial turns a possibly partial version ("1", "1.2", "1.2.x") into the
// lowest full version it stands for.
func partial(v string) (string, bool) {
	m := npmPartRE.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	parts := []string{m[1], "0", "0"}
	for i, p := range m[2:4] {
		if p == "" || p == "x" || p == "X" || p == "*" {
			break
		}
		parts[i+1] = p
	}
	return strings.Join(parts, ".") + m[4], true
}

// markYarnDev marks the packages of a yarn.lock that only development
// dependencies reach. yarn.lock does not record this: the package.json
// beside it says which packages are wanted in production, and the lock's
// dependency lists say what they pull in. Without a package.json (or when
// its production dependencies are not found in the lock) every package
// counts as production.
func markYarnDev(pj *packageJSON, data []byte, out *Parsed) {
	if pj == nil {
		return
	}
	g := parseYarnGraph(data)
	prod := map[string]bool{}
	var stack []string
	for _, m := range []map[string]string{pj.Dependencies, pj.OptionalDependencies} {
		for n, r := range m {
			stack = append(stack, n+"@"+strings.TrimPrefix(r, "npm:"))
		}
	}
	roots := len(stack)
	seen := map[*yarnEntry]bool{}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		e := g[s]
		if e == nil || seen[e] {
			continue
		}
		seen[e] = true
		prod[e.name+"@"+e.version] = true
		stack = append(stack, e.deps...)
	}
	if roots > 0 && len(seen) == 0 {
		return // the lock does not describe this package.json: do not guess
	}
	for _, p := range out.Packages {
		if !prod[p.Name+"@"+p.Version] {
			p.Dev = true
		}
	}
}

// yarnRequires records what each package of a yarn.lock depends on.
func yarnRequires(data []byte, out *Parsed) {
	byKey := map[string]map[string]bool{}
	for _, e := range parseYarnGraph(data) {
		k := e.name + "@" + e.version
		if byKey[k] == nil {
			byKey[k] = map[string]bool{}
		}
		for _, d := range e.deps {
			if n, _ := splitSpec(d); n != "" {
				byKey[k][n] = true
			}
		}
	}
	for _, p := range out.Packages {
		if r, ok := byKey[p.Name+"@"+p.Version]; ok {
			p.Requires, p.RequiresKnown = sortedSet(r), true
		}
	}
}

// yarnEntry is one block of a yarn.lock: the specs it satisfies, the
// version chosen and the specs of its dependencies.
type yarnEntry struct {
	name    string
	version string
	deps    []string // "name@range"
}

// parseYarnGraph reads the dependency graph of a yarn.lock (v1 and Berry):
// spec ("name@range") → entry.
func parseYarnGraph(data []byte) map[string]*yarnEntry {
	graph := map[string]*yarnEntry{}
	var cur *yarnEntry
	inDeps := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		t := strings.TrimSpace(line)
		switch {
		case indent == 0:
			cur, inDeps = nil, false
			if !strings.HasSuffix(t, ":") || strings.HasPrefix(t, "__metadata") {
				continue
			}
			cur = &yarnEntry{}
			for _, spec := range strings.Split(strings.TrimSuffix(t, ":"), ",") {
				spec = strings.Trim(strings.TrimSpace(spec), `"`)
				n, r := splitSpec(spec)
				if n == "" {
					continue
				}
				cur.name = n
				graph[n+"@"+r] = cur
			}
		case cur == nil:
		case indent == 2:
			inDeps = t == "dependencies:" || t == "optionalDependencies:"
			if v, ok := strings.CutPrefix(t, "version"); ok {
				cur.version = strings.Trim(strings.TrimSpace(strings.TrimPrefix(v, ":")), `"`)
			}
		case indent >= 4 && inDeps:
			n, r := depLine(t)
			if n != "" {
				cur.deps = append(cur.deps, n+"@"+r)
			}
		}
	}
	return graph
}

// splitSpec splits "name@range" (name may be scoped) and drops Berry's
// "npm:" protocol prefix from the range.
func splitSpec(spec string) (string, string) {
	i := strings.LastIndex(spec, "@")
	if i <= 0 {
		return "", ""
	}
	return spec[:i], strings.TrimPrefix(spec[i+1:], "npm:")
}

// depLine splits a dependency line: `name "range"` (v1) or `name: range`
// (Berry), names possibly quoted.
func depLine(t string) (string, string) {
	var n, r string
	if strings.HasPrefix(t, `"`) {
		end := strings.Index(t[1:], `"`)
		if end < 0 {
			return "", ""
		}
		n, r = t[1:1+end], t[2+end:]
	} else {
		i := strings.IndexAny(t, " :")
		if i < 0 {
			return "", ""
		}
		n, r = t[:i], t[i:]
	}
	r = strings.Trim(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r), ":")), `"`)
	return n, strings.TrimPrefix(r, "npm:")
}

func sortStrings(ss []string) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j] < ss[j-1]; j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}
