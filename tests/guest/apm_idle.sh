#!/usr/bin/env bash
# A guest that idles through APM's CPU idle call (guests/apm_idle.asm) for 54
# timer ticks (3 s of guest time, which follows the host's) must cost the host
# little CPU: under 0.6 s of user and system time for the whole run, where a
# guest that spins for those 3 s costs 3 s.
#   apm_idle.sh ENGINE PXOS GUEST
set -u
engine=$1 pxos=$2 guest=$3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host; the KVM engine cannot run here"
  exit 77
fi
if ! [ -x /usr/bin/time ]; then
  echo "SKIPPED: /usr/bin/time (Debian package time) is not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/time -o "$tmp/time" -f "%U %S %e" "$pxos" run --boot-sector "$guest" --engine "$engine" --display none \
  --timeout 60 </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
read -r user sys wall < <(tail -1 "$tmp/time")  # after "Command exited with non-zero status N"
echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"
echo "--- exit status $status (expected 0); CPU time ${user} s user + ${sys} s system, ${wall} s elapsed"
fail=0
[ "$status" = 0 ] || fail=1
grep -q "failures: 0" "$tmp/out" || { echo "the guest's checks failed"; fail=1; }
awk -v u="$user" -v s="$sys" 'BEGIN { exit !(u + s < 0.6) }' || { echo "FAIL: 3 s of APM CPU idle cost 0.6 s of CPU or more"; fail=1; }
exit $fail
