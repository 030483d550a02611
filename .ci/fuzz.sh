#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time (default 10s each).
# Crashers land in testdata/fuzz/ of their package: commit them as
# regression seeds once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${1:-10s}"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' | sort -u || true)
  for t in $targets; do
    echo "fuzz $pkg $t ($fuzztime)"
    go test "$pkg" -run='^$' -fuzz="^${t}\$" -fuzztime="$fuzztime"
  done
done
