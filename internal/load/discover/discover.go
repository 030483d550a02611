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
