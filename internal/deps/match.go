package deps

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/semantic"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// versionRE accepts what a registry version looks like; anything else (a
// Git URL, a path, a tag name) is never matched against advisories.
var versionRE = regexp.MustCompile(`^v?[0-9][0-9A-Za-z.+\-_!]*$`)

// ValidVersion reports whether v looks like a registry version that can be
// compared with advisory ranges.
func ValidVersion(v string) bool { return len(v) <= 128 && versionRE.MatchString(v) }

// Match returns the advisories of the loaded records that affect version of
// package name in ecosystem eco, sorted by ID, and the reasons ranges were
// skipped (unknown range types, versions that do not parse). A version
// that does not look like a version matches nothing.
func (db *DB) Match(eco, name, version string) ([]model.Advisory, []string) {
	if !ValidVersion(version) {
		return nil, nil
	}
	var out []model.Advisory
	var skipped []string
	for _, rec := range db.records(eco, name) {
		hit := false
		var fixed []string
		for _, a := range rec.Affected {
			if NormalizeName(eco, a.Package.Name) != NormalizeName(eco, name) {
				continue
			}
			ok, fx, why := affects(eco, a, version)
			skipped = append(skipped, prefix(rec.ID, why)...)
			if ok {
				hit = true
				fixed = append(fixed, fx...)
			}
		}
		if !hit {
			continue
		}
		out = append(out, model.Advisory{ID: rec.ID, Aliases: rec.Aliases, Summary: rec.Summary, Severity: rec.Severity, Fixed: model.SortedUnique(fixed)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, skipped
}

func prefix(id string, ss []string) []string {
	for i := range ss {
		ss[i] = id + ": " + ss[i]
	}
	return ss
}

// affects evaluates one affected entry of an OSV record for version v: the
// explicit versions list, then each SEMVER or ECOSYSTEM range (events
// sorted by version, introduced/fixed/last_affected applied in order, as
// the OSV schema specifies). It returns the fixed versions of the ranges
// that contain v, and why ranges were skipped.
func affects(eco string, a osvAffected, v string) (bool, []string, []string) {
	var why []string
	hit := false
	for _, x := range a.Versions {
		if x == v || (eco == "Go" && strings.TrimPrefix(x, "v") == strings.TrimPrefix(v, "v")) {
			hit = true
		}
	}
	var fixed []string
	for _, r := range a.Ranges {
		var cmpEco string
		switch r.Type {
		case "SEMVER":
			cmpEco = "npm" // plain SemVer 2.0 precedence
		case "ECOSYSTEM":
			cmpEco = eco
		case "GIT":
			continue // commit ranges need the repository; versions lists cover them
		default:
			why = append(why, fmt.Sprintf("range type %q is not supported", r.Type))
			continue
		}
		in, fx, err := inRange(cmpEco, r.Events, v)
		if err != nil {
			why = append(why, err.Error())
			continue
		}
		if in {
			hit = true
			fixed = append(fixed, fx...)
		}
	}
	return hit, fixed, why
}

// parseVersion parses v for ecosystem eco; Go and SemVer versions lose a
// leading "v".
func parseVersion(eco, v string) (semantic.Version, error) {
	if eco == "Go" || eco == "npm" {
		v = strings.TrimPrefix(v, "v")
	}
	return semantic.Parse(v, eco)
}

// inRange applies a range's events to v.
func inRange(eco string, events []osvEvent, v string) (bool, []string, error) {
	ver, err := parseVersion(eco, v)
	if err != nil {
		return false, nil, fmt.Errorf("version %q does not parse: %w", v, err)
	}
	type ev struct {
		kind string // introduced, fixed, last_affected
		raw  string
		zero bool
		v    semantic.Version
	}
	var evs []ev
	for _, e := range events {
		kind, raw := "", ""
		switch {
		case e.Introduced != "":
			kind, raw = "introduced", e.Introduced
		case e.Fixed != "":
			kind, raw = "fixed", e.Fixed
		case e.LastAffected != "":
			kind, raw = "last_affected", e.LastAffected
		case e.Limit != "":
			continue // limits bound GIT ranges only
		default:
			return false, nil, fmt.Errorf("range event without a version")
		}
		if kind == "introduced" && raw == "0" {
			evs = append(evs, ev{kind: kind, raw: raw, zero: true})
			continue
		}
		pv, err := parseVersion(eco, raw)
		if err != nil {
			return false, nil, fmt.Errorf("event version %q does not parse: %w", raw, err)
		}
		evs = append(evs, ev{kind: kind, raw: raw, v: pv})
	}
	var cmpErr error
	cmp := func(a, b semantic.Version) int {
		c, err := a.Compare(b)
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c
	}
	sort.SliceStable(evs, func(i, j int) bool {
		switch {
		case evs[i].zero:
			return !evs[j].zero
		case evs[j].zero:
			return false
		}
		return cmp(evs[i].v, evs[j].v) < 0
	})
	affected := false
	var fixed []string
	for _, e := range evs {
		switch e.kind {
		case "introduced":
			if e.zero || cmp(ver, e.v) >= 0 {
				affected = true
			}
		case "fixed":
			if cmp(ver, e.v) >= 0 {
				affected = false
			}
		case "last_affected":
			if cmp(ver, e.v) > 0 {
				affected = false
			}
		}
	}
	if cmpErr != nil {
		return false, nil, fmt.Errorf("versions do not compare: %w", cmpErr)
	}
	if affected {
		// The fix is the first fixed event above v.
		for _, e := range evs {
			if e.kind == "fixed" && cmp(ver, e.v) < 0 {
				fixed = append(fixed, e.raw)
				break
			}
		}
	}
	return affected, fixed, nil
}
