// Command gendocs writes docs/rules.md from the rule set. Run it with
// `go generate ./internal/rules`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nightlight-sec/nightlight/internal/rules"
)

func main() {
	out := flag.String("o", "docs/rules.md", "output file")
	flag.Parse()
	if err := os.WriteFile(*out, []byte(rules.Markdown(rules.All())), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
