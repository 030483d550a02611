#!/usr/bin/env bash
# Performance figures for docs/performance.md: the parse floor, the full
# scan of ../shared/corpus, and the CLI's peak memory. Run: bash .ci/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
echo "== benchmarks (one core)"
go test ./internal/scan -run '^$' -bench 'BenchmarkFloorParse|BenchmarkScanCorpus' -benchtime 5x -count 3 -cpu 1
go build -o /tmp/nightlight-bench ./cmd/nightlight
echo "== CLI on the whole corpus: wall time and peak RSS"
# A scan that fails (exit 2: usage or fatal error) must fail the benchmark
# instead of printing a fast time; exit 1 only means findings or inputs that
# did not load (the corpus holds a few broken files on purpose).
for fmt in json text; do
  log=$(mktemp)
  status=0
  /usr/bin/time -o "$log.time" -f "format=$fmt wall=%es maxrss=%MKB" \
    /tmp/nightlight-bench scan "$corpus" --quiet --fail-on none --format "$fmt" --output /dev/null 2>"$log" >/dev/null || status=$?
  if [ "$status" -ge 2 ]; then
    echo "bench: the $fmt scan of $corpus failed (exit $status):" >&2
    cat "$log" >&2
    rm -f "$log" "$log.time"
    exit 1
  fi
  cat "$log.time"
  rm -f "$log" "$log.time"
done
