#!/usr/bin/env bash
# Runs the libFuzzer targets of a PXOS_FUZZ build (src/fuzz) for a bounded
# time each, starting from the seed corpora in tests/fuzz/corpus/.
#   scripts/fuzz.sh BUILD_DIR SECONDS [JOBS [RUNS [WORKERS]]] [-- TARGET...]
# Each target runs for at most SECONDS (and at most RUNS executions when
# given), JOBS targets at a time. WORKERS > 1 runs each target as one
# libFuzzer run in fork mode (-fork=WORKERS): that many worker processes
# share the corpus and the execution count, and the run stops at the first
# crash, leak or timeout in any of them. The corpus grows in BUILD_DIR/fuzz-corpus/,
# crash inputs land in BUILD_DIR/fuzz-artifacts/, each target's log in
# BUILD_DIR/fuzz-logs/. Prints one line per target (executions, seconds,
# result); exits 1 when any target found a crash, a leak, a sanitizer
# report or a timeout.
set -u
args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
[ $# -gt 0 ] && shift
build=${args[0]:-} seconds=${args[1]:-} jobs=${args[2]:-1} runs=${args[3]:-} workers=${args[4]:-1}
usage="usage: $0 BUILD_DIR SECONDS [JOBS [RUNS [WORKERS]]] [-- TARGET...]"
[ -z "$build" ] || [ -z "$seconds" ] && { echo "$usage" >&2; exit 2; }
for n in "$seconds" "$jobs" ${runs:+"$runs"} "$workers"; do
  case $n in *[!0-9]*) echo "fuzz.sh: '$n' is not a number; $usage" >&2; exit 2 ;; esac
done
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_pxi fuzz_disk fuzz_bios fuzz_devices fuzz_vga fuzz_soft_cpu fuzz_jit fuzz_linux_boot fuzz_gdb_packet fuzz_fat fuzz_pci fuzz_virtio)
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/fuzz-corpus" "$build/fuzz-artifacts" "$build/fuzz-logs"

run_one() {
  local t=$1 log=$build/fuzz-logs/$1.log
  mkdir -p "$build/fuzz-corpus/$t"
  local extra=()
  [ -n "$runs" ] && extra+=(-runs="$runs")
  [ "$workers" -gt 1 ] && extra+=(-fork="$workers")
  local start=$SECONDS
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/fuzz/$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -max_len=8192 \
      -print_final_stats=1 "${extra[@]}" -artifact_prefix="$build/fuzz-artifacts/$t-" \
      "$build/fuzz-corpus/$t" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1
  local rc=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  # Fork mode prints no final stats: its last "#N: cov: ..." line counts every worker's runs.
  [ -z "$execs" ] && execs=$(sed -n 's/^#\([0-9]*\): cov: .*/\1/p' "$log" | tail -1)
  local verdict=ok
  [ $rc -ne 0 ] && verdict="FAILED (exit $rc; see $log)"
  printf '%-14s %12s executions %6ss  %s\n' "$t" "${execs:-?}" "$((SECONDS - start))" "$verdict"
  return $rc
}

fail=0
pids=()
for t in "${targets[@]}"; do
  if [ ! -x "$build/fuzz/$t" ]; then
    echo "$t: not built (configure $build with CC=clang CXX=clang++ -DPXOS_FUZZ=ON -DPXOS_SANITIZE=ON)"
    fail=1
    continue
  fi
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || fail=1; done
  run_one "$t" &
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || fail=1; done
exit $fail
