// Package deps reads the dependency manifests and lockfiles each function
// deploys into the model (model.Dependencies) and matches the packages
// against an offline OSV database (DB). It never runs a package manager and
// never uses the network, except Update, which downloads the database.
//
// Lockfiles are read with osv-scalibr's extractors; package.json without a
// lockfile, yarn.lock's dependency graph (to tell production from development
// packages) and Gopkg.lock are read by parsers of this package.
package deps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/golang/gomod"
	"github.com/google/osv-scalibr/extractor/filesystem/language/java/pomxml"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/pnpmlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/yarnlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/pipfilelock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/poetrylock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/requirements"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/uvlock"
	"github.com/google/osv-scalibr/extractor/filesystem/language/ruby/gemfilelock"
	scalibrfs "github.com/google/osv-scalibr/fs"
	"github.com/google/osv-scalibr/inventory"
	scalibrlog "github.com/google/osv-scalibr/log"

	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Kind describes one manifest or lockfile format.
type Kind struct {
	// Name is the format's usual file name ("package-lock.json").
	Name string
	// Format is the report input format (npm, pypi, go, maven, rubygems);
	// Ecosystem the OSV ecosystem.
	Format    model.Format
	Ecosystem string
	// Lock is true for lockfiles (exact versions of every package).
	Lock bool
	// rank orders the files of one ecosystem in a directory: the lowest
	// rank present is read, the others are not (a package.json beside a
	// lockfile only says which packages are direct).
	rank int
}

var reqRE = regexp.MustCompile(`^requirements[A-Za-z0-9_.\-]*\.txt$`)

// Detect returns the kind of the file named base, if it is a manifest or
// lockfile nightlight reads.
func Detect(base string) (Kind, bool) {
	switch base {
	case "npm-shrinkwrap.json":
		return Kind{base, model.FormatNPM, "npm", true, 0}, true
	case "package-lock.json":
		return Kind{base, model.FormatNPM, "npm", true, 1}, true
	case "pnpm-lock.yaml":
		return Kind{base, model.FormatNPM, "npm", true, 2}, true
	case "yarn.lock":
		return Kind{base, model.FormatNPM, "npm", true, 3}, true
	case "package.json":
		return Kind{base, model.FormatNPM, "npm", false, 4}, true
	case "poetry.lock":
		return Kind{base, model.FormatPyPI, "PyPI", true, 0}, true
	case "uv.lock":
		return Kind{base, model.FormatPyPI, "PyPI", true, 0}, true
	case "Pipfile.lock":
		return Kind{base, model.FormatPyPI, "PyPI", true, 0}, true
	case "go.mod":
		return Kind{base, model.FormatGoModules, "Go", true, 0}, true
	case "Gopkg.lock":
		return Kind{base, model.FormatGoModules, "Go", true, 1}, true
	case "pom.xml":
		return Kind{base, model.FormatMaven, "Maven", false, 0}, true
	case "Gemfile.lock":
		return Kind{base, model.FormatRubyGems, "RubyGems", true, 0}, true
	}
	if reqRE.MatchString(base) {
		// Python lockfiles and requirements files are all read: a build
		// may install from either (SAM uses requirements.txt).
		return Kind{base, model.FormatPyPI, "PyPI", false, 0}, true
	}
	return Kind{}, false
}

// devRequirements reports whether a requirements file's name says it is
// for development (requirements-dev.txt, requirements_test.txt, …).
func devRequirements(base string) bool {
	b := strings.ToLower(base)
	for _, w := range []string{"dev", "test", "lint", "doc", "ci", "local", "build"} {
		for _, sep := range []string{"-", "_", "."} {
			if strings.Contains(b, sep+w) {
				return true
			}
		}
	}
	return false
}

var quietOnce sync.Once

// quietScalibr routes osv-scalibr's package-level logger to nowhere: its
// extractors log the errors they also return, which nightlight reports
// itself with a position.
func quietScalibr() { quietOnce.Do(func() { scalibrlog.SetLogger(nopLogger{}) }) }

type nopLogger struct{}

func (nopLogger) Errorf(string, ...any) {}
func (nopLogger) Error(...any)          {}
func (nopLogger) Warnf(string, ...any)  {}
func (nopLogger) Warn(...any)           {}
func (nopLogger) Infof(string, ...any)  {}
func (nopLogger) Info(...any)           {}
func (nopLogger) Debugf(string, ...any) {}
func (nopLogger) Debug(...any)          {}

// FS is what parsing needs of the files: osv-scalibr's extractors open
// sibling files (go.sum, a parent pom.xml, `-r` includes) through it.
type FS = scalibrfs.FS

// Parsed is what one manifest or lockfile declares.
type Parsed struct {
	Packages []*model.Package
	// Notes are positioned remarks about entries that were skipped (Git,
	// URL and file dependencies, versions that do not parse).
	Notes []model.Diagnostic
}

// Parse reads the manifest or lockfile at rel (a slash path inside fsys,
// already read into data) and returns its packages, positioned with
// display (the path reports show for rel). A file that does not parse is an
// error naming the file (and line, when known); it never panics.
func Parse(ctx context.Context, fsys FS, rel, display string, data []byte) (p *Parsed, err error) {
	quietScalibr()
	perr := conc.Safely("reading", func() error {
		p, err = parse(ctx, fsys, rel, display, data)
		return nil
	})
	if perr != nil {
		return nil, fmt.Errorf("%s: %w", display, perr)
	}
	return p, err
}

func parse(ctx context.Context, fsys FS, rel, display string, data []byte) (p *Parsed, err error) {
	data = decodeText(data)
	base := path.Base(rel)
	k, ok := Detect(base)
	if !ok {
		return nil, fmt.Errorf("%s: not a manifest or lockfile nightlight reads", display)
	}
	prefix := strings.TrimSuffix(display, rel)
	toDisplay := func(p string) string {
		if p == "" {
			return display
		}
		return prefix + strings.TrimPrefix(path.Clean(p), "./")
	}
	switch base {
	case "package.json":
		return parsePackageJSON(display, data)
	case "Gopkg.lock":
		return parseGopkgLock(display, data)
	}
	if err := checkText(display, data); err != nil {
		return nil, err
	}
	var ex filesystem.Extractor
	switch {
	case base == "npm-shrinkwrap.json" || base == "package-lock.json":
		ex, _ = packagelockjson.New(nil)
	case base == "pnpm-lock.yaml":
		ex, _ = pnpmlock.New(nil)
	case base == "yarn.lock":
		ex, _ = yarnlock.New(nil)
	case base == "poetry.lock":
		ex, _ = poetrylock.New(nil)
	case base == "uv.lock":
		ex, _ = uvlock.New(nil)
	case base == "Pipfile.lock":
		ex, _ = pipfilelock.New(nil)
	case base == "go.mod":
		ex, _ = gomod.New(nil)
	case base == "pom.xml":
		ex, _ = pomxml.New(nil)
	case base == "Gemfile.lock":
		ex, _ = gemfilelock.New(nil)
	default: // requirements*.txt
		ex, _ = requirements.New(nil)
	}
	var inv inventory.Inventory
	var lock *npmLockRead
	if base == "npm-shrinkwrap.json" || base == "package-lock.json" {
		lock = readNPMLock(data)
		var split *npmLockSplit
		if lock != nil {
			split = lock.split
		}
		inv, err = extractNPMLock(ctx, ex, fsys, rel, data, split, npmLockChunk)
	} else {
		inv, err = ex.Extract(ctx, &filesystem.ScanInput{FS: fsys, Path: rel, Root: ".", Reader: bytes.NewReader(data)})
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s", display, cleanErr(err, rel))
	}
	out := &Parsed{}
	for _, sp := range inv.Packages {
		pkg, note := convert(k, base, sp, toDisplay)
		if note != nil {
			out.Notes = append(out.Notes, *note)
		}
		if pkg != nil {
			out.Packages = append(out.Packages, pkg)
		}
	}
	switch {
	case base == "package-lock.json" || base == "npm-shrinkwrap.json":
		fixPackageLock(data, lock, out)
	case base == "poetry.lock":
		fixPoetry(data, out)
	case base == "uv.lock":
		fixUV(data, out)
	case strings.HasPrefix(base, "requirements"):
		noteRequirementURLs(display, data, out)
	}
	if k.Ecosystem == "npm" {
		pj := siblingPackageJSON(fsys, rel)
		if base == "yarn.lock" {
			markYarnDev(pj, data, out)
			yarnRequires(data, out)
		}
		markDirect(pj, out)
	}
	markRetired(out.Packages)
	sortPackages(out.Packages)
	return out, nil
}

// cleanErr removes the file path osv-scalibr repeats in its messages.
func cleanErr(err error, rel string) string {
	s := err.Error()
	s = strings.ReplaceAll(s, " for "+rel, "")
	s = strings.ReplaceAll(s, " from "+rel, "")
	s = strings.ReplaceAll(s, " in "+rel, "")
	return s
}

// decodeText turns UTF-16 text with a byte-order mark (Windows editors
// write requirements files so, and pip reads them) into UTF-8, and drops a
// UTF-8 byte-order mark. Other input is returned as is.
func decodeText(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:]
	case len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF):
		be := data[0] == 0xFE
		u := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			if be {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			} else {
				u = append(u, uint16(data[i+1])<<8|uint16(data[i]))
			}
		}
		return []byte(string(utf16.Decode(u)))
	}
	return data
}

// checkText rejects binary content before a parser sees it.
func checkText(display string, data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		return fmt.Errorf("%s:%d: binary content (NUL byte): not a manifest", display, line)
	}
	return nil
}

type depGroups interface{ DepGroups() []string }

// convert turns one osv-scalibr package into a model package, or returns a
// note saying why it is not matched.
func convert(k Kind, base string, sp *extractor.Package, toDisplay func(string) string) (*model.Package, *model.Diagnostic) {
	pos := model.Pos{File: toDisplay("")}
	if d := sp.Location.Descriptor; d != nil && d.File != nil {
		pos = model.Pos{File: toDisplay(d.File.Path), Line: d.File.LineNumber}
	}
	if k.Ecosystem == "Go" && sp.Name == "stdlib" {
		return nil, nil // the go directive is a minimum, not the toolchain that built the binary
	}
	pkg := &model.Package{Ecosystem: k.Ecosystem, Name: sp.Name, Version: sp.Version, Pos: pos, Pinning: model.PinLocked, Deprecated: sp.Deprecated}
	if g, ok := sp.Metadata.(depGroups); ok && sp.Metadata != nil {
		pkg.Dev = devGroup(k.Ecosystem, g.DepGroups())
	}
	switch {
	case strings.HasPrefix(base, "requirements"):
		pkg.Dev = pkg.Dev || devRequirements(path.Base(pos.File))
		pkg.Direct, pkg.DirectKnown = true, true
		comp := ""
		req := ""
		if m, ok := sp.Metadata.(*requirements.Metadata); ok && m != nil {
			comp, req = m.VersionComparator, m.Requirement
		}
		pkg.Constraint = strings.TrimSpace(strings.TrimPrefix(req, sp.Name))
		switch {
		case pkg.Version == "" && strings.ContainsAny(req, "@:/") && !strings.Contains(req, "=="):
			return nil, &model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s: a URL or VCS requirement is not matched against advisories", sp.Name)}
		case pkg.Version == "" && pkg.Constraint != "":
			return nil, &model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s %s: a version range without a lower bound is not matched against advisories", sp.Name, pkg.Constraint)}
		case pkg.Version == "":
			pkg.Pinning = model.PinNone
		case comp == "==" || comp == "===":
			pkg.Pinning = model.PinExact
			pkg.Constraint = ""
		case comp == ">=" || comp == "~=":
			pkg.Pinning = model.PinRange
		default: // "<=": an upper bound only
			return nil, &model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s %s: a version range without a lower bound is not matched against advisories", sp.Name, pkg.Constraint)}
		}
	case base == "pom.xml":
		pkg.Pinning = model.PinExact
		if pkg.Version == "" || strings.Contains(pkg.Version, "${") {
			return nil, &model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s: version %q is not resolved here (managed by a parent or BOM outside the scanned files)", sp.Name, pkg.Version)}
		}
		if strings.ContainsAny(pkg.Version, "[(,") {
			return nil, &model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s: version range %q is not matched against advisories", sp.Name, pkg.Version)}
		}
		pkg.Direct, pkg.DirectKnown = true, true
	case base == "go.mod":
		pkg.DirectKnown = false
	}
	if pkg.Pinning != model.PinNone && !ValidVersion(pkg.Version) {
		return nil, &model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s: version %q is not a registry version (Git, URL or file dependency?): not matched against advisories", sp.Name, pkg.Version)}
	}
	return pkg, nil
}

// devGroup reports whether a package's dependency groups keep it out of a
// production install: npm's "dev" (optional dependencies are installed),
// any Python group other than the main one (Poetry groups, Pipfile's
// develop, uv's dev groups and extras), Maven's test, provided and system
// scopes.
func devGroup(eco string, groups []string) bool {
	for _, g := range groups {
		switch eco {
		case "npm":
			if g == "dev" {
				return true
			}
		case "Maven":
			if g == "test" || g == "provided" || g == "system" {
				return true
			}
		case "PyPI":
			if g != "" && g != "main" && g != "default" {
				return true
			}
		default:
			if g == "dev" || g == "test" || g == "development" {
				return true
			}
		}
	}
	return false
}

func sortPackages(ps []*model.Package) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		switch {
		case a.Ecosystem != b.Ecosystem:
			return a.Ecosystem < b.Ecosystem
		case a.Name != b.Name:
			return a.Name < b.Name
		case a.Version != b.Version:
			return a.Version < b.Version
		case a.Layer != b.Layer:
			return a.Layer < b.Layer
		case a.Pos.File != b.Pos.File:
			return a.Pos.File < b.Pos.File
		}
		return a.Pos.Line < b.Pos.Line
	})
}

// lineOf returns the 1-based line of byte offset i in data.
func lineOf(data []byte, i int) int {
	if i < 0 || i > len(data) {
		return 0
	}
	return 1 + bytes.Count(data[:i], []byte("\n"))
}

// siblingPackageJSON reads the package.json beside a lockfile, or nil.
func siblingPackageJSON(fsys FS, rel string) *packageJSON {
	if fsys == nil {
		return nil
	}
	data, err := fs.ReadFile(fsys, path.Join(path.Dir(rel), "package.json"))
	if err != nil || len(data) > 8<<20 {
		return nil
	}
	var pj packageJSON
	if json.Unmarshal(data, &pj) != nil {
		return nil
	}
	return &pj
}

// markDirect records which packages of an npm lockfile the package.json
// names itself.
func markDirect(pj *packageJSON, out *Parsed) {
	if pj == nil {
		return
	}
	for _, p := range out.Packages {
		_, a := pj.Dependencies[p.Name]
		_, b := pj.OptionalDependencies[p.Name]
		_, c := pj.DevDependencies[p.Name]
		p.Direct, p.DirectKnown = a || b || c, true
	}
}
