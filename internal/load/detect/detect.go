// Package detect is nightlight's one format detection: it decides from a
// file's name and contents whether the file is an input nightlight loads
// (and in which format), or a file it knows is not one (an OpenAPI
// definition a template points to, a dependency manifest, a lockfile).
// Discovery (internal/load/discover), rule tests (ruletest) and anything
// else that must tell inputs apart use it, so that they agree.
//
// Detection is a table of Detectors tried in order; the first that
// matches decides. To support a new format, add a Detector to table.
package detect

import (
	"bytes"
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Match is how sure a detector is of a file from its name alone.
type Match int

const (
	// No: the name rules the format out.
	No Match = iota
	// Maybe: the name allows the format; the contents decide.
	Maybe
	// Sure: the name alone decides (serverless.yml, main.tf).
	Sure
)

// Detector recognises one kind of file.
type Detector struct {
	// Name names the detector, for documentation and tests.
	Name string
	// Format is the input format the detector recognises, or "" for a
	// detector of files that are not inputs.
	Format model.Format
	// Not says what a file this detector recognises is, when Format is ""
	// ("an OpenAPI definition").
	Not string
	// ByName judges a file by its base name, lower-cased.
	ByName func(base string) Match
	// ByContent confirms a Maybe, given the lower-cased base name and the
	// contents; nil accepts every Maybe. It may be given only the head of
	// a large file.
	ByContent func(base string, data []byte) bool
	// Refine, when set, refines Format by content (CloudFormation → SAM).
	Refine func(data []byte) model.Format
}

// Result is what Detect decides.
type Result struct {
	// Format is the input format, "" when the file is not an input.
	Format model.Format
	// Not says what the file is when it is known not to be an input ("a
	// dependency lockfile"); "" otherwise.
	Not string
	// Detector is the name of the detector that decided, "" when none did.
	Detector string
}

// IsInput reports whether the file is an input to load.
func (r Result) IsInput() bool { return r.Format != "" }

// Table returns the detectors in the order they are tried.
func Table() []Detector { return append([]Detector(nil), table...) }

// Candidate reports whether a file may be an input judging by its name
// alone, so that discovery reads only such files. A candidate whose
// contents no detector confirms is not an input.
func Candidate(name string) bool {
	base := base(name)
	for _, d := range table {
		switch d.ByName(base) {
		case Sure:
			return d.Format != ""
		case Maybe:
			if d.Format != "" {
				return true
			}
		}
	}
	return false
}

// ByName returns the format of a file that its name alone decides
// (Sure), or "".
func ByName(name string) model.Format {
	base := base(name)
	for _, d := range table {
		switch d.ByName(base) {
		case Sure:
			return d.Format
		case Maybe:
			return ""
		}
	}
	return ""
}

// Detect decides what a file is from its name (slash or OS path) and
// its contents (or the head of them).
func Detect(name string, data []byte) Result {
	base := base(name)
	for _, d := range table {
		m := d.ByName(base)
		if m == No || m == Maybe && d.ByContent != nil && !d.ByContent(base, data) {
			continue
		}
		f := d.Format
		if f != "" && d.Refine != nil {
			f = d.Refine(data)
		}
		return Result{Format: f, Not: d.Not, Detector: d.Name}
	}
	return Result{}
}

func base(name string) string {
	return strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
}

// names matches exact base names.
func names(sure Match, ns ...string) func(string) Match {
	return func(b string) Match {
		for _, n := range ns {
			if b == n {
				return sure
			}
		}
		return No
	}
}

// exts matches base names by extension.
func exts(m Match, es ...string) func(string) Match {
	return func(b string) Match {
		for _, e := range es {
			if strings.HasSuffix(b, e) {
				return m
			}
		}
		return No
	}
}

var yamlJSON = exts(Maybe, ".yaml", ".yml", ".json", ".template")

// table is tried in order: files known not to be inputs first, then the
// formats whose names decide, then those whose contents do.
var table = []Detector{
	{Name: "dependency manifest", Not: "a dependency manifest or lockfile",
		ByName: names(Sure, "package.json", "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml",
			"composer.json", "composer.lock", "pipfile.lock", "bower.json", "deno.json", "deno.lock", "bun.lock")},
	{Name: "tool configuration", Not: "a tool's configuration file",
		ByName: func(b string) Match {
			switch {
			case strings.HasPrefix(b, "tsconfig") && strings.HasSuffix(b, ".json"),
				strings.HasPrefix(b, ".eslintrc"), strings.HasPrefix(b, ".prettierrc"), strings.HasPrefix(b, "jsconfig"),
				strings.HasSuffix(b, ".json") && strings.Contains(b, "local.settings"):
				return Sure
			}
			return names(Sure, "cdk.json", "cdk.context.json", "tslint.json", "lerna.json", "nx.json", "turbo.json",
				"angular.json", "renovate.json", ".babelrc.json", "babel.config.json", "jest.config.json",
				".pre-commit-config.yaml", ".golangci.yml", ".golangci.yaml", "mkdocs.yml", "docker-compose.yml",
				"docker-compose.yaml", "compose.yaml", "compose.yml", "buildspec.yml", "buildspec.yaml",
				".gitlab-ci.yml", "codecov.yml", ".travis.yml", "appveyor.yml", "dependabot.yml", "pubspec.yaml",
				"samconfig.yaml", "samconfig.yml", "launch.json", "settings.json", "extensions.json")(b)
		}},
	{Name: "serverless", Format: model.FormatServerless,
		ByName: func(b string) Match {
			switch b {
			case "serverless.yml", "serverless.yaml", "serverless.json",
				"serverless.ts", "serverless.js", "serverless.cjs", "serverless.mjs":
				return Sure
			}
			if strings.HasPrefix(b, "serverless") && (strings.HasSuffix(b, ".yml") || strings.HasSuffix(b, ".yaml")) {
				return Maybe // serverless.dev.yml, when it reads as a service file
			}
			return No
		},
		ByContent: func(_ string, data []byte) bool { return IsServerless(data) }},
	{Name: "terraform", Format: model.FormatTerraform, ByName: exts(Sure, ".tf", ".tf.json")},
	{Name: "firebase", Format: model.FormatFirebase, ByName: names(Sure, "firebase.json")},
	{Name: "azure functions", Format: model.FormatAzureFunctions, ByName: names(Sure, "host.json", "function.json")},
	{Name: "terraform plan", Format: model.FormatTerraformPlan, ByName: exts(Maybe, ".json"),
		ByContent: func(_ string, data []byte) bool { return IsPlan(data) }},
	{Name: "openapi", Not: "an OpenAPI definition (a template's DefinitionBody or DefinitionUri points to it)",
		ByName: yamlJSON, ByContent: func(_ string, data []byte) bool { return IsOpenAPI(data) }},
	{Name: "cloudformation", Format: model.FormatCloudFormation, ByName: yamlJSON,
		ByContent: func(_ string, data []byte) bool { return IsTemplate(data) },
		Refine: func(data []byte) model.Format {
			if IsSAM(data) {
				return model.FormatSAM
			}
			return model.FormatCloudFormation
		}},
	{Name: "arm", Format: model.FormatARM, ByName: exts(Maybe, ".json"),
		ByContent: func(_ string, data []byte) bool { return IsARM(data) }},
	{Name: "wskdeploy deployment", Not: "a wskdeploy deployment file (the manifest beside it reads it)",
		ByName: func(b string) Match {
			if IsWskDeployment(b) {
				return Maybe
			}
			return No
		},
		ByContent: IsWskManifest},
	{Name: "wskdeploy", Format: model.FormatWskdeploy, ByName: exts(Maybe, ".yaml", ".yml"), ByContent: IsWskManifest},
}

// SAMTransform is the transform that makes a template SAM.
const SAMTransform = "AWS::Serverless-2016-10-31"

// IsSAM reports whether template data declares the SAM transform.
func IsSAM(data []byte) bool { return bytes.Contains(data, []byte(SAMTransform)) }

// IsTemplate reports whether YAML/JSON data reads as a CloudFormation or
// SAM template: a top-level AWSTemplateFormatVersion, the SAM transform,
// or a top-level Resources section declaring AWS:: types. When the
// top-level keys cannot be read (broken input), a byte test decides, so
// that a broken template still reaches its loader and gets a positioned
// error.
func IsTemplate(data []byte) bool {
	keys, ok := TopLevelKeys(data)
	if !ok {
		if d := bytes.TrimLeft(data, " \t\r\n"); len(d) > 0 && d[0] == '[' {
			return false // a list, not a template
		}
		return IsSAM(data) || bytes.Contains(data, []byte("AWSTemplateFormatVersion")) ||
			bytes.Contains(data, []byte("Resources")) && bytes.Contains(data, []byte("AWS::"))
	}
	has := func(k string) bool {
		for _, x := range keys {
			if x == k {
				return true
			}
		}
		return false
	}
	switch {
	case has("AWSTemplateFormatVersion"):
		return true
	case has("Transform") && IsSAM(data):
		return true
	case has("Resources"):
		return bytes.Contains(data, []byte("AWS::")) || IsSAM(data)
	}
	return false
}

// IsOpenAPI reports whether YAML/JSON data is an OpenAPI (or Swagger)
// definition: a top-level "openapi" or "swagger" key.
func IsOpenAPI(data []byte) bool {
	keys, ok := TopLevelKeys(data)
	if !ok {
		return false
	}
	for _, k := range keys {
		if k == "openapi" || k == "swagger" {
			return true
		}
	}
	return false
}

// IsServerless reports whether YAML data has the top-level service and
// provider keys of a Serverless Framework service file.
func IsServerless(data []byte) bool {
	keys, _ := TopLevelKeys(data)
	var svc, prov bool
	for _, k := range keys {
		svc = svc || k == "service"
		prov = prov || k == "provider"
	}
	return svc && prov
}

// IsPlan reports whether data looks like the JSON of `terraform show -json`
// for a plan: a JSON object with format_version and planned_values or
// resource_changes.
func IsPlan(data []byte) bool {
	d := bytes.TrimSpace(data)
	if len(d) == 0 || d[0] != '{' {
		return false
	}
	return bytes.Contains(d, []byte(`"format_version"`)) &&
		(bytes.Contains(d, []byte(`"planned_values"`)) || bytes.Contains(d, []byte(`"resource_changes"`)))
}

var (
	wskRootRE = regexp.MustCompile(`(?m)^(project|packages|package):`)
	wskPartRE = regexp.MustCompile(`(?m)^\s+(actions|sequences|triggers|rules|apis):`)
)

// IsWskManifest reports whether the YAML file name holding data looks like
// a wskdeploy (OpenWhisk) manifest or deployment file: a
// project/packages/package root in a file named manifest*, or such a root
// anywhere with actions, sequences, triggers, rules or apis below it (not
// a pnpm lockfile, whose root is packages: too).
func IsWskManifest(name string, data []byte) bool {
	if !wskRootRE.Match(data) {
		return false
	}
	if strings.HasPrefix(base(name), "manifest") && !bytes.Contains(data, []byte("applications:")) {
		return true // wskdeploy's own file name (not a Cloud Foundry manifest)
	}
	return wskPartRE.Match(data) && !bytes.Contains(data, []byte("AWSTemplateFormatVersion")) && !bytes.Contains(data, []byte("lockfileVersion"))
}

// IsWskDeployment reports whether name is a wskdeploy deployment file,
// whose values bind a manifest's inputs rather than declare anything.
func IsWskDeployment(name string) bool {
	n := base(name)
	return strings.HasPrefix(n, "deployment") && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml"))
}

// IsARM reports whether data looks like an Azure Resource Manager
// deployment template (not a parameters file): a deploymentTemplate
// schema and a resources section.
func IsARM(data []byte) bool {
	return bytes.Contains(data, []byte("deploymentTemplate.json")) && bytes.Contains(data, []byte(`"resources"`))
}

// TopLevelKeys returns the keys of the top-level mapping of YAML or JSON
// data, in order, without decoding the values. ok is false when the data
// is not a mapping whose keys can be read this way (a JSON syntax error,
// flow-style YAML); data may be a file's head, in which case the keys
// seen so far are returned.
func TopLevelKeys(data []byte) (keys []string, ok bool) {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	d = bytes.TrimPrefix(d, []byte("\xef\xbb\xbf"))
	if len(d) > 0 && d[0] == '{' {
		return jsonKeys(d)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' && !bytes.HasPrefix(line, []byte("---")) ||
			line[0] == '%' || line[0] == '}' || line[0] == ']' {
			continue
		}
		if bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("...")) {
			if len(keys) > 0 {
				break // only the first document
			}
			continue
		}
		if line[0] == '{' || line[0] == '[' {
			return keys, false
		}
		k, _, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue
		}
		key := strings.TrimSpace(string(k))
		key = strings.Trim(key, `"'`)
		if key != "" {
			keys = append(keys, key)
		}
	}
	return keys, len(keys) > 0
}

func jsonKeys(d []byte) ([]string, bool) {
	dec := json.NewDecoder(bytes.NewReader(d))
	var keys []string
	depth := 0
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			// A head cut mid-file ends in an error too: keep what was read.
			return keys, len(keys) > 0
		}
		switch t := tok.(type) {
		case json.Delim:
			if depth == 0 && t != '{' {
				return nil, false
			}
			switch t {
			case '{', '[':
				depth++
				expectKey = t == '{' && depth == 1
				if depth > 1 {
					expectKey = false
				}
			case '}', ']':
				depth--
				if depth == 0 {
					return keys, true
				}
				expectKey = depth == 1
			}
			continue
		case string:
			if depth == 1 && expectKey {
				keys = append(keys, t)
				expectKey = false
				continue
			}
		}
		if depth == 1 {
			expectKey = true
		}
	}
}
