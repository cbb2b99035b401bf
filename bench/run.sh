#!/usr/bin/env bash
# Runs the benchmark suite and writes a Markdown summary (MB/s, ratios, allocations) to bench/results.md.
#   bench/run.sh                       the whole suite (about 10 minutes on 2 cores)
#   bench/run.sh --filter '*Detector*' one class; any BenchmarkDotNet option passes through
#   bench/run.sh --job dry             smoke run: every method once, figures meaningless
# FASTMASK_BENCH_RESULTS=path writes the summary elsewhere. BenchmarkDotNet's own reports (Markdown, JSON,
# CSV per class) stay in BenchmarkDotNet.Artifacts/, which is not committed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

args=("$@")
has_filter=false
for a in "${args[@]}"; do
  case "$a" in --filter|-f|--filter=*) has_filter=true ;; esac
done
if [[ "$has_filter" == false ]]; then
  args=(--filter '*' "${args[@]}")
fi

command=(dotnet run -c Release --project bench/FastMask.Benchmarks -- "${args[@]}")
export FASTMASK_BENCH_RESULTS="${FASTMASK_BENCH_RESULTS:-$root/bench/results.md}"
printf -v shown '%q ' "${command[@]}"
export FASTMASK_BENCH_COMMAND="${shown% }"
# Recorded in the summary: figures taken while other work loads the machine are not comparable.
export FASTMASK_BENCH_LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -)"

echo "running: $FASTMASK_BENCH_COMMAND" >&2
"${command[@]}"
echo "summary written to $FASTMASK_BENCH_RESULTS" >&2
