package deps

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	"github.com/BurntSushi/toml"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// gopkgLock is the part of a dep (golang/dep) Gopkg.lock that says what
// was vendored: one [[projects]] table per module, with the version tag
// (absent for a branch or bare revision).
type gopkgLock struct {
	Projects []struct {
		Name     string `toml:"name"`
		Version  string `toml:"version"`
		Revision string `toml:"revision"`
		Branch   string `toml:"branch"`
	} `toml:"projects"`
}

var tomlLineRE = regexp.MustCompile(`line (\d+)`)

// parseGopkgLock reads a Gopkg.lock (osv-scalibr has no extractor for it).
// Projects locked to a branch or a bare revision have no version to match
// and get a note.
func parseGopkgLock(display string, data []byte) (*Parsed, error) {
	if err := checkText(display, data); err != nil {
		return nil, err
	}
	var l gopkgLock
	if _, err := toml.Decode(string(data), &l); err != nil {
		if m := tomlLineRE.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			return nil, fmt.Errorf("%s:%d: invalid TOML: %v", display, n, err)
		}
		return nil, fmt.Errorf("%s: invalid TOML: %v", display, err)
	}
	out := &Parsed{}
	for _, p := range l.Projects {
		line := 0
		if i := bytes.Index(data, []byte(strconv.Quote(p.Name))); i >= 0 {
			line = lineOf(data, i)
		}
		pos := model.Pos{File: display, Line: line}
		if p.Name == "" {
			continue
		}
		if p.Version == "" || !ValidVersion(p.Version) {
			out.Notes = append(out.Notes, model.Diagnostic{Pos: pos, Severity: model.DiagInfo, Message: fmt.Sprintf("%s: locked to a revision (%s), not a release version: not matched against advisories", p.Name, firstNonEmpty(p.Branch, p.Revision, p.Version))})
			continue
		}
		out.Packages = append(out.Packages, &model.Package{Ecosystem: "Go", Name: p.Name, Version: p.Version, Pinning: model.PinLocked, Pos: pos})
	}
	markRetired(out.Packages)
	sortPackages(out.Packages)
	return out, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
