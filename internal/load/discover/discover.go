// Package discover finds the inputs below the scanned paths and loads
// them: it walks the paths inside a root sandbox, decides each file's
// format with internal/load/detect, groups files into units (a template,
// a Terraform module directory, an Azure Functions project), runs the
// loader of each format and reads the handler code the declarations point
// to. `nightlight scan` and the rule tests (ruletest) load through it, so
// that a rule test sees exactly what a scan sees.
package discover

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/glob"
	"github.com/nightlight-sec/nightlight/internal/load/detect"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// skipDirs are build outputs and dependency folders that hold copies of
// templates (or nothing of ours); they are skipped unless named explicitly.
var skipDirs = map[string]bool{
	"node_modules": true, ".aws-sam": true, "cdk.out": true, ".git": true,
	".terraform": true, ".serverless": true, ".venv": true, "__pycache__": true,
}

// candidate is a file discovery found, before it is read.
type candidate struct {
	root    string // absolute scan root it was found under
	shown   string // the root as displayed (prefix of display paths)
	rel     string // path relative to root, slash-separated
	display string // path shown in reports
	format  model.Format
	// explicit is true when the file was named on the command line.
	explicit bool
	err      error
}

// discover walks the given paths and returns candidate input files in a
// deterministic order. Directories are walked recursively; symbolic links
// are followed only when they stay inside the scanned root.
func discover(dir string, paths, exclude []string) ([]candidate, error) {
	var out []candidate
	for _, p := range paths {
		full := p
		if dir != "" && !filepath.IsAbs(p) {
			full = filepath.Join(dir, p)
		}
		abs, err := filepath.Abs(full)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", p, err)
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", p, err)
		}
		if !st.IsDir() {
			dir := filepath.Dir(abs)
			display := filepath.ToSlash(filepath.Clean(p))
			c := candidate{root: dir, shown: path.Dir(display), rel: filepath.Base(abs), display: display, explicit: true}
			c.format, _ = formatByName(c.rel)
			out = append(out, c)
			continue
		}
		found, err := walk(abs, p, exclude)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].display < out[j].display })
	return out, nil
}

func walk(root, shown string, exclude []string) ([]candidate, error) {
	var out []candidate
	shownRoot := filepath.ToSlash(filepath.Clean(shown))
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", shown, err)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		display := path.Join(shownRoot, rel)
		if err != nil {
			out = append(out, candidate{root: root, shown: shownRoot, rel: rel, display: display, err: err})
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if p != root && excluded(rel, exclude) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		format, ok := formatByName(d.Name())
		if !ok {
			return nil
		}
		c := candidate{root: root, shown: shownRoot, rel: rel, display: display, format: format}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(p)
			if err != nil {
				c.err = fmt.Errorf("%s: broken symbolic link: %w", display, err)
			} else if r, err := filepath.Rel(realRoot, target); err != nil || r == ".." || strings.HasPrefix(r, "../") {
				c.err = fmt.Errorf("%s: symbolic link points outside the scanned root; not followed", display)
			} else if st, err := os.Stat(target); err != nil || st.IsDir() {
				return nil // a link to a directory inside the root: its files are found through the real path
			}
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", shown, err)
	}
	return out, nil
}

// excluded reports whether the root-relative slash path rel matches one of
// the --exclude globs: a pattern with a '/' is matched against the whole
// path, one without against each name in it; * matches any run of
// characters (across '/' too) and ? one character.
func excluded(rel string, patterns []string) bool {
	for _, p := range patterns {
		p = strings.TrimSuffix(strings.TrimPrefix(p, "./"), "/")
		if strings.Contains(p, "/") {
			if glob.Match(p, rel) {
				return true
			}
			continue
		}
		for _, name := range strings.Split(rel, "/") {
			if glob.Match(p, name) {
				return true
			}
		}
	}
	return false
}

// formatByName returns the format a file holds when its name alone
// decides, "" when the contents must decide; ok is false when the file is
// not a candidate at all.
func formatByName(name string) (f model.Format, ok bool) {
	if !detect.Candidate(name) {
		return "", false
	}
	return detect.ByName(name), true
}

// Part is a share of the inputs below the scanned paths that loads on its
// own (LoadPart): the files under one top-level folder of a scanned
// directory, the Terraform files directly in it, another file directly in
// it, or a file named on the command line. Folders whose names start with
// another part's name go with it ("app" and "app-v2"), so that the paths of
// two parts never interleave in sorted order; a scanned directory whose
// Azure Functions project starts at its top is one part.
type Part struct {
	// Name is the folder or file the part holds, as displayed.
	Name  string
	cands []candidate
}

// Split discovers the inputs below paths as Load does and splits them into
// parts, sorted by name. Together the parts hold every input Load would
// load, each once.
func Split(paths []string, opts Options) ([]Part, error) {
	cands, err := discover(opts.Dir, paths, opts.Exclude)
	if err != nil {
		return nil, err
	}
	// An Azure Functions project at the top of a scanned directory (its
	// host.json there, or a function.json folder without a host.json just
	// below) spans its top-level folders: the directory is one part.
	hosts := map[string]bool{}
	for _, c := range cands {
		if c.format == model.FormatAzureFunctions && path.Base(c.rel) == "host.json" {
			hosts[c.root+"\x00"+path.Dir(c.rel)] = true
		}
	}
	whole := map[string]bool{}
	for _, c := range cands {
		if c.format != model.FormatAzureFunctions || c.explicit {
			continue
		}
		dir := path.Dir(c.rel)
		if dir == "." || path.Dir(dir) == "." && path.Base(c.rel) == "function.json" && !hosts[c.root+"\x00"+dir] {
			whole[c.root+"\x00"+c.shown] = true
		}
	}
	key := func(c candidate) string {
		switch {
		case c.explicit:
			return c.display
		case whole[c.root+"\x00"+c.shown]:
			return c.shown
		}
		first, _, nested := strings.Cut(c.rel, "/")
		switch {
		case nested:
			return path.Join(c.shown, first)
		case c.format == model.FormatTerraform:
			return c.shown // the module of the scanned directory itself
		}
		return c.display
	}
	type ordered struct {
		c candidate
		i int
	}
	byKey := map[string][]ordered{}
	for i, c := range cands {
		k := key(c)
		byKey[k] = append(byKey[k], ordered{c, i})
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var groups [][]ordered
	var names []string
	for _, k := range keys {
		if n := len(names); n > 0 && strings.HasPrefix(k, names[n-1]) {
			groups[n-1] = append(groups[n-1], byKey[k]...)
			continue
		}
		names = append(names, k)
		groups = append(groups, byKey[k])
	}
	parts := make([]Part, len(groups))
	for i, g := range groups {
		// Load's order (by display path, stable) is the order of cands.
		sort.Slice(g, func(a, b int) bool { return g[a].i < g[b].i })
		parts[i] = Part{Name: names[i], cands: make([]candidate, len(g))}
		for j, o := range g {
			parts[i].cands[j] = o.c
		}
	}
	return parts, nil
}

// Modules returns the Terraform module directories of the part (display
// paths), the units another part's module call could include.
func (p Part) Modules() []string {
	var out []string
	for _, c := range p.cands {
		if c.format == model.FormatTerraform && c.err == nil {
			if d := path.Dir(c.display); len(out) == 0 || out[len(out)-1] != d {
				out = append(out, d)
			}
		}
	}
	return out
}
