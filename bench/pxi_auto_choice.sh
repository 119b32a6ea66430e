#!/usr/bin/env bash
# What `--backend auto` chooses on this machine for each batch size, and why:
#  1. `pxi backends --all`;
#  2. per size, one `pxi run --backend auto --verbose` of a program of that many
#     ops (a fresh process each: it probes the backends and times them on the
#     size's class, as a first batch does);
#  3. `pxi bench` of every backend and auto side by side at the same sizes: auto's
#     p50 beside the best fixed backend's, measured in one run.
#
#   bench/pxi_auto_choice.sh PXI_BINARY OUT_DIR [SIZES...]
#
# PXI_BINARY is `pxos` or the standalone `pxi` (tests/pxi, target pxi_cli).
# SIZES default to 1 16 256 4096 65536 1048576 16777216 33554432 (the largest
# batch, 32 Mi ops). Writes OUT_DIR/choice.txt and OUT_DIR/bench.csv.
# docs/PERFORMANCE.md quotes runs of this script.
set -euo pipefail
bin=${1:?usage: pxi_auto_choice.sh PXI_BINARY OUT_DIR [SIZES...]}
out=${2:?usage: pxi_auto_choice.sh PXI_BINARY OUT_DIR [SIZES...]}
shift 2
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1 16 256 4096 65536 1048576 16777216 33554432)
for n in "${sizes[@]}"; do
  [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 33554432 ]] || { echo "pxi_auto_choice: bad size '$n' (1..33554432)" >&2; exit 2; }
done
mkdir -p "$out"
cmd=("$bin")
[[ $(basename "$bin") == pxos ]] && cmd+=(pxi)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  echo "== ${cmd[*]} backends --all"
  "${cmd[@]}" backends --all 2>&1
  for n in "${sizes[@]}"; do
    echo "== ${cmd[*]} run ($n ops) --backend auto --verbose"
    yes 'pxOS auto' | head -c "$n" >"$tmp/bytes" || true
    "${cmd[@]}" build --bytes "$tmp/bytes" -o "$tmp/p.pxr" 2>/dev/null
    "${cmd[@]}" run "$tmp/p.pxr" --backend auto --verbose -o /dev/null 2>&1 | grep -v ' not available: '
  done
} | tee "$out/choice.txt"
list=$(IFS=,; echo "${sizes[*]}")
working=$("${cmd[@]}" backends 2>/dev/null | cut -d' ' -f1 | paste -sd, -)
echo "== ${cmd[*]} bench --backends $working,auto --sizes $list --seconds 0.1" | tee -a "$out/choice.txt"
"${cmd[@]}" bench --backends "$working,auto" --sizes "$list" --seconds 0.1 --csv "$out/bench.csv" 2>&1 |
  tee -a "$out/choice.txt"
