#!/usr/bin/env bash
# A benchmark workload (guests/bench_loop16.asm, bench_loop32.asm) run briefly with the
# translator off and on: both runs must end, print a checksum of the guest's work
# ("guest output: SD" and 8 hex digits) and agree on it and on the instruction count.
# A third run of one more iteration must give another checksum (the checksum sees the work).
#   bench_jit_same.sh PXOS WORKLOAD.bin ITERATIONS
set -u
pxos=$1 bin=$2 iters=$3
run() {  # ITERATIONS JIT -> "instructions checksum"
  local out
  out=$("$pxos" bench cpu --bin "$bin" --iterations "$1" --jit "$2") || { echo "pxos bench cpu --jit $2 failed" >&2; return 1; }
  echo "$out" >&2
  local n sum
  n=$(sed -n 's/^instructions: //p' <<<"$out")
  sum=$(sed -n 's/^guest output: SD\([0-9a-f]\{8\}\)$/\1/p' <<<"$out")
  [ -n "$n" ] && [ -n "$sum" ] || { echo "no instruction count or checksum in the output of --jit $2" >&2; return 1; }
  echo "$n $sum"
}
off=$(run "$iters" off) || exit 1
on=$(run "$iters" on) || exit 1
more=$(run "$((iters + 1))" on) || exit 1
echo "--jit off: $off; --jit on: $on; $((iters + 1)) iterations: $more"
fail=0
[ "$off" = "$on" ] || { echo "FAIL: --jit on and --jit off differ"; fail=1; }
[ "${more#* }" != "${on#* }" ] || { echo "FAIL: one more iteration left the checksum as it was"; fail=1; }
exit $fail
