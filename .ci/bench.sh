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
for fmt in json text; do
  /usr/bin/time -f "format=$fmt wall=%es maxrss=%MKB" /tmp/nightlight-bench scan "$corpus" --format "$fmt" --output /dev/null 2>&1 >/dev/null | grep -E '^format=' || true
done
