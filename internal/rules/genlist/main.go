// Command genlist writes internal/rules/all.go, the list of rule
// packages. Run it with `go generate ./internal/rules`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nightlight-sec/nightlight/internal/rules/internal/rulelist"
)

func main() {
	dir := flag.String("dir", ".", "the internal/rules directory")
	out := flag.String("o", "all.go", "output file")
	flag.Parse()
	src, err := rulelist.Source(*dir)
	if err == nil {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genlist:", err)
		os.Exit(1)
	}
}
