package deps

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Reach records, for every production package the functions deploy,
// whether the handler's code uses it (model.Package.Reach and ReachNote):
// imported when an import of the handler's code names it or names a
// package that depends on it (as the lockfile records dependencies);
// not imported only when the whole handler was followed, every import is
// accounted for and every package reached records its dependencies;
// unknown otherwise. Call it after the handler analysis set fn.Code.
func (a *Analyzer) Reach() {
	for _, fn := range a.fns {
		reach(fn)
	}
}

// codeEcosystem is the OSV ecosystem of packages a handler language
// imports.
func codeEcosystem(lang model.Format) string {
	switch lang {
	case model.FormatPython:
		return "PyPI"
	case model.FormatJavaScript, model.FormatTypeScript:
		return "npm"
	case model.FormatGo:
		return "Go" // imports name the module (see model.Import)
	}
	return ""
}

func reach(fn *model.Function) {
	d, c := fn.Deps, fn.Code
	if d == nil {
		return
	}
	eco := ""
	if c != nil {
		eco = codeEcosystem(c.Language)
	}
	byName := map[string][]*model.Package{}
	for _, p := range d.Packages {
		p.Reach, p.ReachNote = model.ReachUnknown, ""
		if p.Dev {
			continue
		}
		switch {
		case c == nil:
			p.ReachNote = "the handler's code was not analysed"
		case p.Ecosystem != eco:
			p.ReachNote = fmt.Sprintf("the handler is %s code: its imports do not name %s packages", c.Language, p.Ecosystem)
		default:
			n := NormalizeName(eco, p.Name)
			byName[n] = append(byName[n], p)
		}
	}
	if len(byName) == 0 {
		return
	}
	// parent[n] is the package whose dependency brought n in, "" for a
	// package an import names; via[n] the import that names it.
	parent := map[string]string{}
	via := map[string]string{}
	var queue []string
	push := func(n, from, imp string) {
		if _, seen := parent[n]; seen {
			return
		}
		parent[n], via[n] = from, imp
		queue = append(queue, n)
	}
	var unmapped []string
	for _, im := range c.Imports {
		if im.Ecosystem != eco {
			continue
		}
		names := importedPackages(eco, im, byName)
		for _, n := range names {
			push(n, "", im.Module)
		}
		if len(names) > 0 {
			continue
		}
		if deps, ok := runtimeProvided(eco, im.Package); ok {
			// The platform's copy is imported; in Python it loads its own
			// dependencies from the function's code first when deployed.
			for _, dn := range deps {
				if _, ok := byName[dn]; ok {
					push(dn, "", im.Module+" (provided by the runtime)")
				}
			}
			continue
		}
		unmapped = append(unmapped, im.Package)
	}
	complete := true
	var unknownDeps string
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, p := range byName[n] {
			if !p.RequiresKnown {
				if complete {
					unknownDeps = fmt.Sprintf("%s (%s) does not record what %s depends on", whereDeclared(p), p.Name, p.Name)
				}
				complete = false
			}
			for _, r := range p.Requires {
				if rn := NormalizeName(eco, r); len(byName[rn]) > 0 {
					push(rn, n, "")
				}
			}
		}
	}
	for n, ps := range byName {
		var note string
		r := model.ReachUnknown
		if _, ok := parent[n]; ok {
			r, note = model.ReachImported, chain(n, parent, via, byName)
		} else {
			switch {
			case c.Partial:
				note = "part of the handler's code could not be followed"
			case len(unmapped) > 0:
				note = fmt.Sprintf("the handler imports %s, which no deployed manifest names", list3(unmapped))
			case !complete:
				note = unknownDeps
			default:
				r, note = model.ReachNotImported, fmt.Sprintf("no import of the handler's code (%s) leads to it", importList(c, eco))
			}
		}
		for _, p := range ps {
			p.Reach, p.ReachNote = r, note
		}
	}
}

// whereDeclared names the file that declares a package, with its layer.
func whereDeclared(p *model.Package) string {
	s := p.Pos.File
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	if p.Layer != "" {
		s += " of layer " + p.Layer
	}
	return s
}

// chain describes how the handler reaches package n: "imported by
// handler.py (yaml)" or "express → body-parser → qs".
func chain(n string, parent, via map[string]string, byName map[string][]*model.Package) string {
	name := func(n string) string {
		if ps := byName[n]; len(ps) > 0 {
			return ps[0].Name
		}
		return n
	}
	var steps []string
	cur := n
	for i := 0; i < 50; i++ {
		steps = append(steps, name(cur))
		if parent[cur] == "" {
			break
		}
		cur = parent[cur]
	}
	if len(steps) == 1 {
		return fmt.Sprintf("the handler imports it (%s)", via[n])
	}
	for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
		steps[i], steps[j] = steps[j], steps[i]
	}
	return fmt.Sprintf("the handler imports %s (%s), which depends on it: %s", steps[0], via[cur], strings.Join(steps, " → "))
}

func importList(c *model.Code, eco string) string {
	var names []string
	for _, im := range c.Imports {
		if im.Ecosystem == eco {
			names = append(names, im.Package)
		}
	}
	if len(names) == 0 {
		return "it imports no third-party package"
	}
	return "imports " + list3(names)
}

func list3(ss []string) string {
	if len(ss) > 3 {
		return strings.Join(ss[:3], ", ") + fmt.Sprintf(" and %d more", len(ss)-3)
	}
	return strings.Join(ss, ", ")
}

// importedPackages returns the normalized names, among byName, of the
// packages that provide an import: the npm package itself, or the Python
// distributions whose name matches the top-level module (PyYAML for yaml,
// python-dateutil for dateutil, …). A module of a namespace package names
// its distribution with its dotted path (azure.storage.blob from
// azure-storage-blob, google.cloud.storage from google-cloud-storage): only
// that one is imported, not every distribution of the namespace.
func importedPackages(eco string, im model.Import, byName map[string][]*model.Package) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if len(byName[n]) > 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if eco == "npm" || eco == "Go" {
		add(NormalizeName(eco, im.Package))
		return out
	}
	m := strings.ToLower(im.Package)
	if pyNamespaces[m] {
		mod := strings.ToLower(im.Module)
		parts := strings.Split(mod, ".")
		for i := len(parts); i >= 2; i-- {
			sub := strings.Join(parts[:i], ".")
			add(NormalizeName(eco, strings.ReplaceAll(sub, ".", "-")))
			for _, d := range pyModuleDists[sub] {
				add(NormalizeName(eco, d))
			}
		}
		if len(parts) >= 2 {
			return out
		}
	}
	cands := []string{m, "python-" + m, "py" + m, m + "-python", "python3-" + m}
	cands = append(cands, pyModuleDists[m]...)
	for _, c := range cands {
		add(NormalizeName(eco, c))
	}
	if pyNamespaces[m] {
		// `import azure`: any distribution of the namespace may be meant.
		prefix := NormalizeName(eco, m) + "-"
		var more []string
		for n := range byName {
			if strings.HasPrefix(n, prefix) {
				more = append(more, n)
			}
		}
		sort.Strings(more)
		for _, n := range more {
			add(n)
		}
	}
	return out
}

// pyNamespaces are top-level Python modules that many distributions share
// (namespace packages): the module below them tells which one is imported.
var pyNamespaces = map[string]bool{"azure": true, "google": true, "opentelemetry": true, "jaraco": true, "zope": true, "sphinxcontrib": true}

// pyModuleDists maps top-level Python modules to the distributions that
// install them when the names differ beyond case, separators, a
// "python-"/"py" prefix or a namespace prefix (google → google-cloud-*).
var pyModuleDists = map[string][]string{
	"yaml":              {"PyYAML"},
	"jwt":               {"PyJWT"},
	"bs4":               {"beautifulsoup4"},
	"pil":               {"Pillow"},
	"cv2":               {"opencv-python", "opencv-python-headless", "opencv-contrib-python"},
	"sklearn":           {"scikit-learn"},
	"skimage":           {"scikit-image"},
	"crypto":            {"pycryptodome", "pycrypto"},
	"cryptodome":        {"pycryptodomex"},
	"openssl":           {"pyOpenSSL"},
	"jose":              {"python-jose"},
	"psycopg2":          {"psycopg2-binary"},
	"mysqldb":           {"mysqlclient"},
	"attr":              {"attrs"},
	"pkg_resources":     {"setuptools"},
	"grpc":              {"grpcio"},
	"nacl":              {"PyNaCl"},
	"git":               {"GitPython"},
	"github":            {"PyGithub"},
	"serial":            {"pyserial"},
	"zmq":               {"pyzmq"},
	"google.protobuf":   {"protobuf"},
	"google.api":        {"googleapis-common-protos"},
	"google.rpc":        {"googleapis-common-protos"},
	"google.type":       {"googleapis-common-protos"},
	"google.auth":       {"google-auth"},
	"google.oauth2":     {"google-auth"},
	"googleapiclient":   {"google-api-python-client"},
	"snowflake":         {"snowflake-connector-python"},
	"opensearchpy":      {"opensearch-py"},
	"kafka":             {"kafka-python"},
	"fitz":              {"PyMuPDF"},
	"dns":               {"dnspython"},
	"websocket":         {"websocket-client"},
	"telegram":          {"python-telegram-bot"},
	"levenshtein":       {"python-Levenshtein"},
	"typing_extensions": {"typing-extensions"},
}

// runtimeProvided reports whether an import the function does not deploy
// is provided by the platform's runtime, and which packages that copy
// loads: Lambda's Python runtimes ship boto3 (and its dependencies, which
// Python finds in the function's code first when it deploys them); its
// Node.js runtimes ship the AWS SDK, whose dependencies Node resolves
// from the runtime's own folder.
func runtimeProvided(eco, pkg string) ([]string, bool) {
	if eco == "PyPI" {
		switch strings.ToLower(pkg) {
		case "boto3", "botocore", "s3transfer", "awslambdaric":
			return []string{"boto3", "botocore", "jmespath", "s3transfer", "python-dateutil", "urllib3", "six"}, true
		}
		return nil, false
	}
	if pkg == "aws-sdk" || strings.HasPrefix(pkg, "@aws-sdk/") || strings.HasPrefix(pkg, "@smithy/") {
		return nil, true
	}
	return nil, false
}
