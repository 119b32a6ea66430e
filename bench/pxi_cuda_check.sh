#!/usr/bin/env bash
# The shared-corpus agreement check for the cuda backend (all three submission
# modes), plus cpu and vulkan, on a machine with an NVIDIA GPU. CI has no GPU and
# runs the same test binary with cuda reported as skipped.
#
#   bench/pxi_cuda_check.sh [DIR]
#
# DIR holds pxi_backend_tests (default: build/tests/pxi). Exit status: the test's.
set -euo pipefail
dir=${1:-build/tests/pxi}
bin=$dir/pxi_backend_tests
if [[ ! -x $bin ]]; then
  echo "pxi_cuda_check: $bin not found (build the pxi_backend_tests target first)" >&2
  exit 2
fi
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "pxi_cuda_check: no NVIDIA GPU visible (nvidia-smi failed): the cuda check cannot run here" >&2
  exit 2
fi
nvidia-smi -L
PXI_TEST_CUDA=1 timeout "${PXI_CHECK_TIMEOUT:-300}" "$bin" --gtest_filter='PxiAgreement.*:PxiExec.*' --gtest_color=no
