#!/usr/bin/env bash
# smoke.sh BUILD_DIR [SECONDS]: runs each libFuzzer harness of BUILD_DIR/fuzz for SECONDS
# (default 60), two at a time, from the shipped scenarios as seeds. Fails on the first crash,
# leak, hang (over 10 s an input) or out-of-memory (2 GB), with the input that did it saved in
# BUILD_DIR/fuzz/artifacts.
set -euo pipefail
build=$1
seconds=${2:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$build/fuzz"
mkdir -p "$out/artifacts" "$out/corpus/scenario" "$out/corpus/runfile"
cp "$root"/scenarios/*.yaml "$out/corpus/scenario/"
status=0
pids=()
for harness in "$out"/fuzz_*; do
  name=$(basename "$harness")
  corpus="$out/corpus/${name#fuzz_}"
  mkdir -p "$corpus"
  (cd "$root" && "$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
     -artifact_prefix="$out/artifacts/$name-" -print_final_stats=1 "$corpus" \
     >"$out/$name.log" 2>&1) &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
for log in "$out"/fuzz_*.log; do
  echo "$(basename "$log" .log): $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions"
  if [ $status -ne 0 ] && grep -qE 'ERROR|crash|timeout|leak' "$log"; then
    tail -40 "$log"
  fi
done
exit $status
