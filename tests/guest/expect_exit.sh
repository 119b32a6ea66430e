#!/usr/bin/env bash
# Runs pxos and checks its exit status (and optionally its output).
#   expect_exit.sh STATUS ENGINE PXOS [--stdout-has TEXT]... [--stderr-has TEXT]... [--stdin-delayed TEXT]
#                  [--needs FILE WHY] -- ARGS...
# ENGINE (kvm or soft) is added as --engine to `pxos run`; "none" adds nothing.
# A KVM test on a host without a usable /dev/kvm is reported as skipped
# (exit 77), with the reason; so is a test whose --needs FILE (an image that a
# fixture makes only where it can) is missing, saying WHY.
set -u
want=$1 engine=$2 pxos=$3
shift 3
stdout_has=() stderr_has=() stdin_text="" needs="" needs_why=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    --stdout-has) stdout_has+=("$2"); shift 2 ;;
    --stderr-has) stderr_has+=("$2"); shift 2 ;;
    --stdin-delayed) stdin_text=$2; shift 2 ;;
    --needs) needs=$2 needs_why=$3; shift 3 ;;
    *) echo "expect_exit.sh: unknown option $1"; exit 2 ;;
  esac
done
shift
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host; the KVM engine cannot run here"
  exit 77
fi
if [ -n "$needs" ] && [ ! -e "$needs" ]; then
  echo "SKIPPED: $needs was not made: $needs_why"
  exit 77
fi
engine_args=()
[ "$engine" != none ] && engine_args=(--engine "$engine")
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
if [ -n "$stdin_text" ]; then
  (sleep 0.3; printf "$stdin_text") | "$pxos" "$@" "${engine_args[@]}" >"$out" 2>"$err"
  got=${PIPESTATUS[1]}
else
  "$pxos" "$@" "${engine_args[@]}" </dev/null >"$out" 2>"$err"
  got=$?
fi
echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"; echo "--- exit status $got (expected $want)"
fail=0
[ "$got" = "$want" ] || fail=1
for text in "${stdout_has[@]}"; do
  if ! grep -qF -- "$text" "$out"; then echo "stdout lacks: $text"; fail=1; fi
done
for text in "${stderr_has[@]}"; do
  if ! grep -qF -- "$text" "$err"; then echo "stderr lacks: $text"; fail=1; fi
done
if [ "$want" = 2 ] && [ "$(wc -l <"$err")" != 1 ]; then echo "a usage error must be one line on stderr"; fail=1; fi
exit $fail
