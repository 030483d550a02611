#!/usr/bin/env bash
# Scaling figures for docs/performance.md: the CLI on generated monorepos of
# 10, 100 and 1,000 copies of examples/orders-api, and on ../shared/corpus
# copied 1, 3 and 10 times under different roots (real copies, no
# symlinks). Prints wall time, user+system CPU and peak RSS per input.
# Run: bash .ci/scale.sh [OUTDIR]   (OUTDIR defaults to a temporary dir,
# removed at the end; the 10x corpus needs about 420 MB of disk).
# CORPUS=DIR takes the corpus from DIR instead of ../shared/corpus (a
# worktree that is not beside shared/; without a corpus only the apps run).
# NIGHTLIGHT=/path/to/binary runs that build instead of building this
# checkout (to compare two versions on the same inputs); ONLY="corpus1
# corpus10" limits the inputs; ARGS="--format html" (default "--format
# json") chooses the report, e.g. ARGS="--inventory" or ARGS="--format
# json --write-baseline /tmp/b.json"); CMD="surface" (or graph, iam; default
# scan) runs another command that scans, e.g. CMD=iam ARGS="--format json".
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
corpus=${CORPUS:-../shared/corpus}
work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
bin=${NIGHTLIGHT:-$work/nightlight}
if [ -z "${NIGHTLIGHT:-}" ]; then
  go build -o "$bin" ./cmd/nightlight
fi
for n in 10 100 1000; do
  d="$work/apps$n"
  if [ ! -d "$d" ]; then
    mkdir -p "$d"
    for i in $(seq -w 1 "$n"); do
      mkdir -p "$d/svc$i" && cp -r "$repo/examples/orders-api/." "$d/svc$i/"
    done
  fi
done
for n in 1 3 10; do
  d="$work/corpus$n"
  if [ ! -d "$d" ] && [ -d "$corpus" ]; then
    mkdir -p "$d"
    for i in $(seq 1 "$n"); do cp -r "$corpus" "$d/copy$i"; done
  fi
done
echo "input wall_s cpu_s maxrss_kb"
for d in ${ONLY:-apps10 apps100 apps1000 corpus1 corpus3 corpus10}; do
  [ -d "$work/$d" ] || continue
  status=0
  cmd=${CMD:-scan}
  args=${ARGS:-}
  if [ "$cmd" = scan ]; then
    args="--fail-on none ${ARGS:---format json}"
  fi
  # shellcheck disable=SC2086 # ARGS holds several arguments
  /usr/bin/time -o "$work/time" -f "$d %e %U %S %M" \
    "$bin" "$cmd" "$work/$d" --quiet $args --output /dev/null 2>"$work/log" >/dev/null || status=$?
  if [ "$status" -ge 2 ]; then
    echo "scale: the scan of $d failed (exit $status):" >&2
    cat "$work/log" >&2
    exit 1
  fi
  # GNU time writes "Command exited with non-zero status 1" first when
  # the scan reports findings: the figures are on the last line.
  tail -n 1 "$work/time" | awk '{printf "%s %s %.2f %s\n", $1, $2, $3+$4, $5}'
done
