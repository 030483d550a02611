#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time (default 10s each).
# Crashers land in testdata/fuzz/ of their package: commit them as
# regression seeds once fixed.
#
# A run that ends only with "context deadline exceeded" (Go's fuzz
# coordinator timing out while a worker is still inside a slow input) found
# nothing: no failing input is written. It is retried once and then reported
# as a warning. A real crash ("Failing input written to …") or a hang fails.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${1:-10s}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' | sort -u || true)
  for t in $targets; do
    for attempt in 1 2; do
      echo "fuzz $pkg $t ($fuzztime, attempt $attempt)"
      if go test "$pkg" -run='^$' -fuzz="^${t}\$" -fuzztime="$fuzztime" >"$log" 2>&1; then
        tail -n 2 "$log"
        break
      fi
      cat "$log"
      if grep -q "Failing input written to" "$log" || ! grep -q "context deadline exceeded" "$log"; then
        echo "FUZZ FAILURE: $pkg $t"
        status=1
        break
      fi
      if [ "$attempt" = 2 ]; then
        echo "warning: $pkg $t: fuzz coordinator deadline twice, no failing input found"
      fi
    done
  done
done
exit $status
