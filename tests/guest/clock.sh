#!/usr/bin/env bash
# Guest time follows the host's (without --deterministic): guests/clock_check
# prints the BIOS tick count after a busy, a polling and an idle phase, and its
# RTC at the end; each line is stamped here with the host's time as it comes.
# Every tick count must be within 1 s of the host time elapsed since the first,
# and the RTC within 1 s of the host's clock. clock.sh ENGINE PXOS GUEST
set -u
engine=$1 pxos=$2 guest=$3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host; the KVM engine cannot run here"
  exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$pxos" run --engine "$engine" --boot-sector "$guest" --display none --timeout 60 </dev/null 2>&1 |
  while IFS= read -r line; do printf '%s %s %s\n' "$(date +%s.%N)" "$(date +%H:%M:%S)" "$line"; done >"$log"
cat "$log"
fail=0 first_host="" first_ticks="" n=0
while read -r host hms kind value; do
  case $kind in
    T)
      ticks=$((16#$value)) n=$((n + 1))
      [ -z "$first_host" ] && first_host=$host first_ticks=$ticks
      verdict=$(awk -v h="$host" -v h0="$first_host" -v t="$ticks" -v t0="$first_ticks" 'BEGIN {
        guest = (t - t0) / 18.2065; host = h - h0; d = guest - host;
        printf "%s guest %.2f s, host %.2f s, difference %+.2f s", (d < 1 && d > -1) ? "ok  " : "FAIL", guest, host, d }')
      echo "$verdict"
      [[ $verdict == ok* ]] || fail=1 ;;
    R)
      g=$((10#${value:0:2} * 3600 + 10#${value:3:2} * 60 + 10#${value:6:2}))
      h=$((10#${hms:0:2} * 3600 + 10#${hms:3:2} * 60 + 10#${hms:6:2}))
      d=$(( (h - g + 86400 + 43200) % 86400 - 43200 ))
      if [ $d -ge -1 ] && [ $d -le 1 ]; then echo "ok   RTC $value, host $hms"; else echo "FAIL RTC $value, host $hms"; fail=1; fi
      n=$((n + 1)) ;;
  esac
done <"$log"
[ $n = 5 ] || { echo "FAIL: expected 4 tick counts and the RTC, got $n lines"; fail=1; }
exit $fail
