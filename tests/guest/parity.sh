#!/usr/bin/env bash
# Engine parity: a guest's debug-console output (its checks, its verdict and
# the registers it dumps before it ends) must be the same on KVM and on the
# software engine: parity.sh PXOS GUEST [pxos run flags...].
set -u
pxos=$1 guest=$2
shift 2
if ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host: nothing to compare the software engine with"
  exit 77
fi
k=$(mktemp) s=$(mktemp)
trap 'rm -f "$k" "$s"' EXIT
"$pxos" run --engine kvm --boot-sector "$guest" --display none --timeout 60 "$@" </dev/null >"$k"; rk=$?
"$pxos" run --engine soft --boot-sector "$guest" --display none --timeout 60 "$@" </dev/null >"$s"; rs=$?
echo "--- kvm (exit $rk)"; cat "$k"; echo "--- soft (exit $rs)"; cat "$s"
grep -q '^regs: ' "$k" || { echo "the guest printed no register dump"; exit 1; }
[ "$rk" = "$rs" ] || { echo "verdicts differ"; exit 1; }
diff "$k" "$s" && echo "identical on both engines"
