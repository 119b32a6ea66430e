#!/usr/bin/env bash
# The x87 oracle: guests/fpu_test.bin prints the bits of every result it
# computes (divisions under precision control, the transcendental functions,
# the constants, FPREM's passes) on lines that start with "= ". Under KVM those
# instructions run on the host CPU's FPU, and the software engine must print
# the same bits: fpu_oracle.sh PXOS GUEST.
# Only those lines are compared. The nested KVM of our test machines emulates
# some real-mode x87 control instructions itself (FNSTCW, FNINIT, FNSTENV,
# FNSAVE) without the guest's FPU state, so there the guest's own checks of
# those fail on KVM; on the software engine they all pass (guest.fpu_test.soft).
set -u
pxos=$1 guest=$2
if ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host: no host FPU to compare the software engine with"
  exit 77
fi
k=$(mktemp) s=$(mktemp)
trap 'rm -f "$k" "$s"' EXIT
"$pxos" run --engine kvm --boot-sector "$guest" --display none --timeout 60 </dev/null >"$k"
"$pxos" run --engine soft --boot-sector "$guest" --display none --timeout 60 </dev/null >"$s"
echo "--- kvm"; cat "$k"; echo "--- soft"; cat "$s"
n=$(grep -c '^= ' "$s")
[ "$n" -ge 20 ] || { echo "the software engine printed only $n result lines"; exit 1; }
diff <(grep '^= ' "$k") <(grep '^= ' "$s") || { echo "results differ"; exit 1; }
echo "the same $n results on both engines"
