package model

// Formats of dependency manifests and lockfiles, as listed among a report's
// inputs.
const (
	FormatNPM       Format = "npm"
	FormatPyPI      Format = "pypi"
	FormatGoModules Format = "gomod" // go.mod, go.sum, Gopkg.lock
	FormatMaven     Format = "maven"
	FormatRubyGems  Format = "rubygems"
)

// Pinning says how exactly a manifest fixes a package's version.
type Pinning string

// Pinning kinds, from most to least exact.
const (
	// PinLocked: a lockfile records the version installed.
	PinLocked Pinning = "locked"
	// PinExact: a manifest names one version (`==1.2.3`, `"1.2.3"`).
	PinExact Pinning = "exact"
	// PinRange: a manifest allows a range; Version is the lowest version it
	// allows, and the build is not reproducible.
	PinRange Pinning = "range"
	// PinNone: any version (`*`, `latest`, no version at all); Version is
	// empty.
	PinNone Pinning = "unpinned"
)

// Dependencies is what nightlight found about the third-party packages a
// function deploys: its own code directory's manifests and lockfiles and
// those of the layers it attaches. A nil *Dependencies on a Function means
// no manifest was found (or the function's code is not local).
type Dependencies struct {
	// Manifests lists the display paths of the manifests and lockfiles
	// read for the function, sorted.
	Manifests []string `json:"manifests"`
	// Packages are the packages those files declare, sorted by ecosystem,
	// name and version.
	Packages []*Package `json:"packages,omitempty"`
	// Notes are positioned remarks about entries that could not be matched
	// (Git, URL and file dependencies, unparseable versions), sorted.
	Notes []Diagnostic `json:"notes,omitempty"`
}

// Package is one third-party package a function deploys.
type Package struct {
	// Ecosystem is the OSV ecosystem: "npm", "PyPI", "Go", "Maven",
	// "RubyGems".
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	// Version is the version installed (locked or exact) or the lowest a
	// range allows; "" when unpinned.
	Version string  `json:"version,omitempty"`
	Pinning Pinning `json:"pinning"`
	// Constraint is the requirement as written when it is not a lock
	// (`^4.17.0`, `>=2.0`, `*`).
	Constraint string `json:"constraint,omitempty"`
	// Pos is where the manifest or lockfile declares the package.
	Pos Pos `json:"pos"`
	// Dev is true for development-only packages (devDependencies, Pipfile
	// dev-packages, Poetry dev groups, Maven test scope): not shipped.
	Dev bool `json:"dev,omitempty"`
	// Direct is true when the function's own manifest names the package
	// (as opposed to a transitive dependency from a lockfile); DirectKnown
	// says whether nightlight could tell.
	Direct      bool `json:"direct,omitempty"`
	DirectKnown bool `json:"directKnown,omitempty"`
	// Layer is the ID of the layer that ships the package, or "" for the
	// function's own code.
	Layer string `json:"layer,omitempty"`
	// Deprecated is true when the lockfile marks the package deprecated or
	// nightlight knows its maintainers retired it; Deprecation says why and
	// what replaces it.
	Deprecated  bool   `json:"deprecated,omitempty"`
	Deprecation string `json:"deprecation,omitempty"`
	// Requires names the packages this one depends on, sorted, as its
	// lockfile records them (package-lock.json, yarn.lock, poetry.lock,
	// uv.lock); RequiresKnown is false when the file does not record them
	// (requirements files, Pipfile.lock, pnpm-lock.yaml, package.json, …).
	Requires      []string `json:"requires,omitempty"`
	RequiresKnown bool     `json:"requiresKnown,omitempty"`
	// Reach says whether the function's handler code uses the package, as
	// far as its import graph tells; ReachNote says how (the chain of
	// imports and dependencies) or why it is not known.
	Reach     Reach  `json:"reach,omitempty"`
	ReachNote string `json:"reachNote,omitempty"`
	// Advisories are the known vulnerabilities affecting Version, sorted by
	// ID; empty when none is known or no database was available.
	Advisories []Advisory `json:"advisories,omitempty"`
}

// Reach is what the handler's import graph says about a package.
type Reach string

// Reach values. The zero value means unknown: the handler's code was not
// analysed, part of it could not be followed, or the packages it imports do
// not say what they depend on.
const (
	ReachUnknown Reach = ""
	// ReachImported: the handler imports the package, or a package it
	// imports depends on it.
	ReachImported Reach = "imported"
	// ReachNotImported: the whole handler was followed and no import leads
	// to the package.
	ReachNotImported Reach = "not-imported"
)

// Advisory is one known vulnerability of a package version, from an OSV
// record.
type Advisory struct {
	// ID is the OSV ID (GHSA-…, PYSEC-…, GO-…); Aliases its other names
	// (CVE-…), sorted.
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	Summary string   `json:"summary,omitempty"`
	// Severity is "critical", "high", "medium" or "low" from the record
	// (its database severity, else its CVSS score), or "" when the record
	// gives none.
	Severity string `json:"severity,omitempty"`
	// Fixed lists the versions that fix the advisory for the affected
	// range the version falls in, sorted; empty when no fix is published.
	Fixed []string `json:"fixed,omitempty"`
}

// VulnDB describes the offline vulnerability database a scan used.
type VulnDB struct {
	// Dir is the database directory.
	Dir string `json:"dir"`
	// Available is false when the directory holds no usable data at all:
	// packages were then not checked for advisories.
	Available bool `json:"available"`
	// Ecosystems lists the ecosystems whose data was loaded, sorted.
	Ecosystems []string `json:"ecosystems,omitempty"`
	// Missing lists ecosystems deployed packages needed but the database
	// lacks, sorted; Errors says why an ecosystem's data could not be read.
	Missing []string `json:"missing,omitempty"`
	Errors  []string `json:"errors,omitempty"`
	// Checked counts the packages matched against the database.
	Checked int `json:"checked"`
}
