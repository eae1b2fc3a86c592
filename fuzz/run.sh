#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each (default 60) and prints executions and
# findings per target. Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets
# the stable toolchain take the sanitizer flags cargo-fuzz passes. Findings land in
# fuzz/artifacts/<target>/; copy each fixed one into fuzz/regressions/<target>/ so that
# `cargo fuzz run <target> fuzz/regressions/<target>` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
for target in $(cargo fuzz list); do
  mkdir -p "fuzz/corpus/$target" "fuzz/regressions/$target"
  log="$(mktemp)"
  set +e
  cargo fuzz run -O "$target" "fuzz/corpus/$target" "fuzz/regressions/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  crashes=$(ls "fuzz/artifacts/$target" 2>/dev/null | wc -l)
  echo "$target: exit $status, $execs executions, $crashes findings"
  if [ "$status" -ne 0 ]; then tail -30 "$log"; fi
done
