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
// own (LoadPart): the files under one folder of a scanned directory, the
// shallowest on their path that directly holds an input (a template, a
// Terraform module, an Azure Functions project), so that a monorepo of
// apps splits into apps however deep they sit; the Terraform files
// directly in the scanned directory; another file directly in it; or a
// file named on the command line. Folders whose names start with the name
// of a folder that is itself a unit (a Terraform module) go with it
// ("modules/api" and "modules/api-v2"), so that the paths of two parts
// never interleave in sorted order; a scanned directory whose Azure
// Functions project starts at its top is one part.
type Part struct {
	// Name is the folder or file the part holds, as displayed.
	Name  string
	cands []candidate
}

// Files is the number of files discovered in the part: what Progress
// counts when the part is loaded.
func (p Part) Files() int { return len(p.cands) }

// Split discovers the inputs below paths as Load does and splits them into
// parts, in the order of their paths. Together the parts hold every input Load would
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
		if c.format == model.FormatTerraform && !c.explicit && !strings.Contains(c.rel, "/") {
			// A module at the top: its files sort among the folders'.
			whole[c.root+"\x00"+c.shown] = true
		}
		if c.format != model.FormatAzureFunctions || c.explicit {
			continue
		}
		dir := path.Dir(c.rel)
		if dir == "." || path.Dir(dir) == "." && path.Base(c.rel) == "function.json" && !hosts[c.root+"\x00"+dir] {
			whole[c.root+"\x00"+c.shown] = true
		}
	}
	// A candidate lives in its directory, an Azure Functions file in its
	// project's; a part is the shallowest folder below the scanned
	// directory that a candidate lives in, with everything below it.
	living := func(c candidate) string {
		dir := path.Dir(c.rel)
		if c.format == model.FormatAzureFunctions && path.Base(c.rel) == "function.json" && !hosts[c.root+"\x00"+dir] {
			dir = path.Dir(dir)
		}
		return dir
	}
	occupied := map[string]bool{}
	for _, c := range cands {
		occupied[c.root+"\x00"+living(c)] = true
	}
	// key returns the part of c, and whether c's unit is that folder
	// itself (a Terraform module, an Azure Functions project): the unit's
	// path is then a prefix of the paths of folders named like it
	// ("app" before "app-v2/…" before "app/…"), which go in its part.
	key := func(c candidate) (string, bool) {
		switch {
		case c.explicit:
			return c.display, false
		case whole[c.root+"\x00"+c.shown]:
			return c.shown, true
		}
		dir := living(c)
		dirUnit := c.format == model.FormatTerraform || c.format == model.FormatAzureFunctions
		if dir == "." {
			if c.format == model.FormatTerraform {
				return c.shown, true // the module of the scanned directory itself
			}
			return c.display, false
		}
		for i := 0; ; {
			j := strings.IndexByte(dir[i:], '/')
			if j < 0 {
				return path.Join(c.shown, dir), dirUnit
			}
			if occupied[c.root+"\x00"+dir[:i+j]] {
				return path.Join(c.shown, dir[:i+j]), false
			}
			i += j + 1
		}
	}
	type ordered struct {
		c candidate
		i int
	}
	byKey := map[string][]ordered{}
	dirUnit := map[string]bool{}
	for i, c := range cands {
		k, d := key(c)
		byKey[k] = append(byKey[k], ordered{c, i})
		dirUnit[k] = dirUnit[k] || d
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// A folder that is a unit takes the parts whose names start with its
	// own: they follow it in sorted order.
	leader := make([]int, len(keys))
	for i := range keys {
		leader[i] = i
	}
	for i, k := range keys {
		if !dirUnit[k] {
			continue
		}
		for j := i + 1; j < len(keys) && strings.HasPrefix(keys[j], k); j++ {
			leader[j] = leader[i]
		}
	}
	var groups [][]ordered
	var names []string
	at := map[int]int{}
	for i, k := range keys {
		g, ok := at[leader[i]]
		if !ok {
			g = len(groups)
			at[leader[i]] = g
			groups = append(groups, nil)
			names = append(names, k)
		}
		groups[g] = append(groups[g], byKey[k]...)
	}
	// Parts in the order of their paths: "app-v2/…" before "app/…".
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return names[order[a]]+"/" < names[order[b]]+"/" })
	parts := make([]Part, len(groups))
	for i, gi := range order {
		g := groups[gi]
		// Load's order (by display path, stable) is the order of cands.
		sort.Slice(g, func(a, b int) bool { return g[a].i < g[b].i })
		parts[i] = Part{Name: names[gi], cands: make([]candidate, len(g))}
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
