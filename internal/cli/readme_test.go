package cli

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/config"
	"github.com/nightlight-sec/nightlight/internal/rules"
)

// readmeBlocks returns the README's fenced code blocks of the given
// language, in order.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?ms)^```" + lang + "\n(.*?)^```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		t.Fatalf("README.md has no ```%s block", lang)
	}
	return out
}

// TestReadmeQuickStart runs the README's first command, the one a
// newcomer runs on the bundled example, as written (with `go run
// ./cmd/nightlight` replaced by the command line it runs).
func TestReadmeQuickStart(t *testing.T) {
	var cmds [][]string
	for _, block := range readmeBlocks(t, "sh") {
		for _, line := range strings.Split(block, "\n") {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "go run ./cmd/nightlight "); ok {
				cmds = append(cmds, strings.Fields(rest))
			}
		}
	}
	if len(cmds) == 0 {
		t.Fatal("README.md shows no `go run ./cmd/nightlight` command")
	}
	t.Chdir("../..")
	for _, args := range cmds {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), args, &stdout, &stderr); code != ExitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
			}
			// The README promises findings with their path and fix.
			for _, want := range []string{"HIGH", "path: Internet →", "fix:"} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, stdout.String())
				}
			}
		})
	}
}

// TestReadmeConfig loads the README's nightlight.yaml example as written.
func TestReadmeConfig(t *testing.T) {
	n := 0
	for _, block := range readmeBlocks(t, "yaml") {
		if !strings.HasPrefix(block, "version: 1") {
			continue
		}
		n++
		cfg, err := config.Parse("README.md", []byte(block))
		if err != nil {
			t.Fatalf("the README's configuration example does not load: %v", err)
		}
		if len(cfg.Ignore) == 0 || len(cfg.Classifications) == 0 {
			t.Errorf("the example lost its sections: %+v", cfg)
		}
		if err := checkConfigIgnores(cfg, rules.All()); err != nil {
			t.Errorf("the example ignores a rule that does not exist: %v", err)
		}
	}
	if n == 0 {
		t.Fatal("README.md has no nightlight.yaml example (a yaml block starting with `version: 1`)")
	}
}
