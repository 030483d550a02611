package layers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/nightlight-sec/nightlight/"

// pkg is what `go list -json` says of a package.
type pkg struct {
	ImportPath string
	Name       string
	Imports    []string
}

func list(t *testing.T) []pkg {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command("go", "list", "-json", module+"...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestLayers checks that every import of the module points down the
// layers (or sideways where Layers allows it).
func TestLayers(t *testing.T) {
	pkgs := list(t)
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	var bad []string
	seen := map[[2]string]bool{}
	for _, p := range pkgs {
		from := layerOf(strings.TrimPrefix(p.ImportPath, module))
		if from == nil {
			bad = append(bad, p.ImportPath+": in no layer (add it to layerTable)")
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			rel := strings.TrimPrefix(imp, module)
			to := layerOf(rel)
			if to == nil {
				continue // reported as the importer
			}
			seen[[2]string{strings.TrimPrefix(p.ImportPath, module), rel}] = true
			if err := allowed(strings.TrimPrefix(p.ImportPath, module), rel); err != nil {
				bad = append(bad, err.Error())
			}
		}
	}
	for k := range known {
		if !seen[k] {
			bad = append(bad, k[0]+" → "+k[1]+": listed in known but no longer imported; delete the entry")
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}

// TestCLIOnlyInCLI checks that flag parsing and terminal handling live in
// internal/cli (and the one-line main), and generators' own mains.
func TestCLIOnlyInCLI(t *testing.T) {
	cliImports := []string{"github.com/spf13/cobra", "github.com/spf13/pflag", "flag", "golang.org/x/term"}
	for _, p := range list(t) {
		rel := strings.TrimPrefix(p.ImportPath, module)
		if strings.HasPrefix(rel, "internal/cli") || strings.HasPrefix(rel, "cmd/") || p.Name == "main" {
			continue
		}
		for _, imp := range p.Imports {
			for _, c := range cliImports {
				if imp == c {
					t.Errorf("%s imports %s: command-line code belongs in internal/cli", rel, imp)
				}
			}
		}
	}
}

func TestOf(t *testing.T) {
	for path, want := range map[string]string{
		"internal/model":              "model",
		"internal/load/cfn":           "loaders",
		"internal/load/detect":        "load",
		"internal/decode/yamlv":       "decode",
		"internal/rules/nl1001":       "rules",
		"internal/rules/internal/kit": "rules",
		"internal/report/html":        "report",
		"internal/iam/catalog":        "knowledge",
		"internal/iam/catalog/gen":    "tools",
		"internal/iam":                "analysis",
		"internal/code":               "loaders",
		"internal/deps/depstest":      "loaders",
		"internal/suggest":            "base",
		"internal/monitor/duckstore":  "monitor",
		"cmd/nightlight":              "main",
		"internal/rulesnot/x":         "",
	} {
		l := layerOf(path)
		got := ""
		if l != nil {
			got = l.Name
		}
		if got != want {
			t.Errorf("Of(%s) = %q, want %q", path, got, want)
		}
	}
}

// Layer is one level of the architecture.
type Layer struct {
	// Name names the layer; Rank orders layers, lowest first.
	Name string
	Rank int
	// Prefixes are the module-relative package paths in the layer (a
	// prefix covers the packages below it).
	Prefixes []string
	// SameLayer allows imports between packages of the layer.
	SameLayer bool
}

// layerTable lists the layers from the bottom up.
var layerTable = []Layer{
	{Name: "base", Rank: 0, Prefixes: []string{"internal/glob", "internal/conc", "internal/suggest", "internal/memguard"}},
	{Name: "model", Rank: 1, Prefixes: []string{"internal/model"}},
	// Knowledge about the cloud that any layer may consult: the IAM action
	// catalog, AWS managed policies, secret patterns.
	{Name: "knowledge", Rank: 2, Prefixes: []string{"internal/iam/catalog", "internal/iam/managed", "internal/secret"}},
	// Decoding input text: the YAML and JSON decoders into model values
	// with positions, their limits and positioned errors. Below both the
	// loaders and the IAM engine (policy documents written as JSON).
	{Name: "decode", Rank: 3, Prefixes: []string{"internal/decode"}, SameLayer: true},
	// What every loader shares: units, the root sandbox, the format
	// detection and the AWS semantics several loaders need (load/aws).
	{Name: "load", Rank: 4, Prefixes: []string{"internal/load/detect", "internal/load/aws", "internal/load"}, SameLayer: true},
	// One package per format, and the handler-code reader. SAM builds on
	// CloudFormation, and the resources section of serverless.yml is
	// CloudFormation: those two may import cfn (see forbidden for the
	// others).
	{Name: "loaders", Rank: 5, Prefixes: []string{"internal/load/cfn", "internal/load/sam", "internal/load/serverless",
		"internal/load/terraform", "internal/load/azure", "internal/load/firebase", "internal/load/openwhisk", "internal/code", "internal/deps"}, SameLayer: true},
	{Name: "discover", Rank: 6, Prefixes: []string{"internal/load/discover"}},
	// Relations over the model: IAM evaluation, cost, the user's
	// configuration (classification, flow policy).
	{Name: "analysis", Rank: 7, Prefixes: []string{"internal/iam", "internal/cost", "internal/config"}, SameLayer: true},
	{Name: "graph", Rank: 8, Prefixes: []string{"internal/graph"}},
	{Name: "rule", Rank: 9, Prefixes: []string{"internal/rule"}, SameLayer: true},
	{Name: "result", Rank: 10, Prefixes: []string{"internal/result"}},
	{Name: "rules", Rank: 11, Prefixes: []string{"internal/rules", "internal/custom"}, SameLayer: true},
	// CloudTrail monitoring sits beside the rules: it reads the model and
	// the graph, and neither imports the other.
	{Name: "monitor", Rank: 11, Prefixes: []string{"internal/monitor"}, SameLayer: true},
	{Name: "report", Rank: 12, Prefixes: []string{"internal/report"}, SameLayer: true},
	{Name: "scan", Rank: 13, Prefixes: []string{"internal/scan"}},
	{Name: "cli", Rank: 14, Prefixes: []string{"internal/cli"}, SameLayer: true},
	{Name: "main", Rank: 15, Prefixes: []string{"cmd/"}},
	// Generators (go generate) and this test.
	{Name: "tools", Rank: 16, Prefixes: []string{"internal/iam/catalog/gen", "internal/rules/gendocs", "internal/rules/genlist", "internal/layers"}, SameLayer: true},
}

// forbidden lists imports that the layer ranks would allow but the
// architecture does not: importer prefix → imported prefixes.
var forbidden = map[string][]string{
	// Terraform and the native formats are not CloudFormation: shared AWS
	// semantics do not live in cfn.
	"internal/load/terraform": {"internal/load/cfn", "internal/load/sam", "internal/load/serverless"},
	"internal/load/azure":     {"internal/load/cfn", "internal/load/sam", "internal/load/serverless", "internal/load/terraform"},
	"internal/load/firebase":  {"internal/load/cfn", "internal/load/sam", "internal/load/serverless", "internal/load/terraform"},
	"internal/load/openwhisk": {"internal/load/cfn", "internal/load/sam", "internal/load/serverless", "internal/load/terraform"},
	"internal/load/cfn":       {"internal/load/sam", "internal/load/serverless", "internal/load/terraform", "internal/load/azure"},
	"internal/code":           {"internal/load/cfn", "internal/load/sam", "internal/load/serverless", "internal/load/terraform"},
	"internal/deps":           {"internal/load/cfn", "internal/load/sam", "internal/load/serverless", "internal/load/terraform", "internal/code"},
	// The IAM engine evaluates policies; it does not load files.
	"internal/iam": {"internal/load"},
	// The graph takes classification and flow policy as data.
	"internal/graph": {"internal/config"},
}

// known lists the wrong-way imports that remain, each with the reason it
// is not fixed yet. The test fails on any other, and on an entry here that
// no longer happens (so the list only shrinks).
var known = map[[2]string]string{}

// layerOf returns the layer of a module-relative package path, or nil.
func layerOf(path string) *Layer {
	var best *Layer
	bestLen := -1
	for i := range layerTable {
		for _, p := range layerTable[i].Prefixes {
			if covers(p, path) && len(p) > bestLen {
				best, bestLen = &layerTable[i], len(p)
			}
		}
	}
	return best
}

func covers(prefix, path string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(path, prefix)
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// allowed returns nil when the package from may import to (both
// module-relative), else why not.
func allowed(from, to string) error {
	lf, lt := layerOf(from), layerOf(to)
	if lf == nil || lt == nil {
		return fmt.Errorf("%s → %s: a package in no layer", from, to)
	}
	if _, ok := known[[2]string{from, to}]; ok {
		return nil
	}
	for fp, tps := range forbidden {
		for _, tp := range tps {
			if covers(fp, from) && covers(tp, to) {
				return fmt.Errorf("%s → %s: forbidden (%s must not import %s)", from, to, fp, tp)
			}
		}
	}
	if lt.Rank < lf.Rank || lt == lf && lf.SameLayer {
		return nil
	}
	return fmt.Errorf("%s (layer %s) → %s (layer %s): imports a higher layer", from, lf.Name, to, lt.Name)
}
