#!/usr/bin/env bash
# `pxos pxi bench` over every backend and CUDA submission mode, batch sizes 1 .. 16 Mi
# ops, with the H2D-copy and kernel-launch baselines; writes the CSV and the plots.
#
#   bench/pxi_bench_gpu.sh PXI_BINARY OUT_DIR [extra bench flags...]
#
# PXI_BINARY is `pxos` (then `pxos pxi bench` runs) or the standalone `pxi` tool
# built by tests/pxi (target pxi_cli). Results: OUT_DIR/bench.csv, latency.png,
# throughput.png. docs/PIXEL_DRIVERS.md quotes a run of this script.
set -euo pipefail
bin=${1:?usage: pxi_bench_gpu.sh PXI_BINARY OUT_DIR}
out=${2:?usage: pxi_bench_gpu.sh PXI_BINARY OUT_DIR}
shift 2
mkdir -p "$out"
cmd=("$bin")
[[ $(basename "$bin") == pxos ]] && cmd+=(pxi)
backends=cpu,cpu-mt,vulkan,cuda-copy,cuda-zerocopy,cuda-persistent
"${cmd[@]}" bench --backends "$backends" --csv "$out/bench.csv" --plot-dir "$out" "$@"
