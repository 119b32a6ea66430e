#!/usr/bin/env bash
# What the GDB stub costs the software engine: the fixed CPU workload
# (guests/bench_cpu.asm, a boot sector) run by `pxos run --engine soft` with no
# debugger, with GDB attached and nothing set, with one breakpoint that is
# never hit (0x500: no code there) and with one write watchpoint that is never
# hit (the word at 0x500), side by side in one run, and each one's ratio to
# the run without a debugger.
#
# usage: bench/gdb.sh [PXOS_BINARY]
#   env: ITERATIONS (default 3000000), RUNS (default 5; the best round counts)
#
# Each time is pxos's CPU time for N iterations less that for 0 iterations in
# the same setup, so pxos's start-up, the BIOS and GDB's connection cancel out.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pxos=${1:-$root/build/pxos}
iters=${ITERATIONS:-3000000}
runs=${RUNS:-5}
[[ -x $pxos ]] || { echo "bench/gdb: no pxos binary at $pxos (pass its path)" >&2; exit 2; }
command -v gdb >/dev/null || { echo "bench/gdb: needs gdb (scripts/deps.sh installs it)" >&2; exit 2; }
. "$root/tests/gdb/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nasm -f bin -o "$tmp/bench_cpu.bin" "$root/guests/bench_cpu.asm"
patched() {  # N OUT: the workload with its iteration count (the dword at offset 4) patched
  python3 - "$tmp/bench_cpu.bin" "$1" "$2" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[4:8] = int(sys.argv[2]).to_bytes(4, 'little')
open(sys.argv[3], 'wb').write(d)
PY
}
patched "$iters" "$tmp/n.bin"
patched 0 "$tmp/0.bin"

# One run's CPU time (user + system) in seconds: run GUEST SETUP (SETUP: none,
# or the GDB commands to give before continuing). CPU time, not wall time:
# the machines these run on are shared.
run() {
  local guest=$1 setup=$2 port gdb_args=() TIMEFORMAT='%U + %S'
  if [[ $setup != none ]]; then
    port=$(free_port)
    gdb_args=(--gdb "tcp:127.0.0.1:$port" --gdb-wait)
    printf 'target remote 127.0.0.1:%s\n%b\ncontinue\n' "$port" "$setup" >"$tmp/script.gdb"
    : >"$tmp/err"
    (wait_for_gdb "$tmp/err" >&2 && gdb -batch -nx -x "$tmp/script.gdb" >/dev/null 2>&1) &
  fi
  { time "$pxos" run --engine soft --boot-sector "$guest" --display none --debugcon none --timeout 300 \
      "${gdb_args[@]}" >/dev/null 2>"$tmp/err"; } 2>"$tmp/time" || true
  wait
  python3 -c "print($(cat "$tmp/time"))"
}

# The setups, measured in turns (round by round, so that a change in the
# machine's load falls on all of them); each keeps its best round of
# time(N) - time(0).
names=("no debugger" "gdb attached, nothing set" "gdb attached, break *0x500" "gdb attached, watch *(short*)0x500")
setups=(none "" "break *0x500" "watch *(short*)0x500")
best=()
for _ in $(seq "$runs"); do
  for i in "${!setups[@]}"; do
    d=$(python3 -c "print($(run "$tmp/n.bin" "${setups[$i]}") - $(run "$tmp/0.bin" "${setups[$i]}"))")
    best[i]=$(python3 -c "print(min(${best[i]:-$d}, $d))")
  done
done
for i in "${!setups[@]}"; do
  printf '%-40s %8.3f s  %.2fx\n' "${names[$i]}" "${best[i]}" "$(python3 -c "print(${best[i]} / ${best[0]})")"
done
echo "($iters iterations of guests/bench_cpu.asm, best of $runs, CPU time(N) - CPU time(0); $(basename "$pxos") --engine soft)"
