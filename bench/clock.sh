#!/usr/bin/env bash
# How far guest time strays from the host's, without --deterministic:
#  1. guests/clock_check (busy, polling and idle phases of 4 s each; the BIOS
#     tick count against the host's time, the RTC at the end), per engine;
#  2. FreeDOS left at A:\> for IDLE seconds (default 120), then its TIME
#     command against the host's clock at that moment (FreeDOS keeps time
#     from the BIOS ticks it set from the RTC's whole seconds at boot, so it
#     starts up to 1 s behind, as on a real PC).
# With BEFORE=path/to/an/older/pxos, both again with that build, side by side.
#   bench/clock.sh [FREEDOS_FLOPPY_IMAGE]   (default: $PXOS_FREEDOS_IMAGE; part 2 needs it)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
img=${1:-${PXOS_FREEDOS_IMAGE:-}}
idle=${IDLE:-120}
builds=("$here/build/pxos")
[ -n "${BEFORE:-}" ] && builds+=("$BEFORE")
[ -x "${builds[0]}" ] && [ -f "$here/build/guests/clock_check.bin" ] || { echo "build pxos first (make)"; exit 2; }
engines=(soft)
[ -r /dev/kvm ] && [ -w /dev/kvm ] && engines+=(kvm)

echo "1. guests/clock_check: guest minus host after each phase (s); the RTC at the end"
for pxos in "${builds[@]}"; do
  for engine in "${engines[@]}"; do
    out=$("$here/tests/guest/clock.sh" "$engine" "$pxos" "$here/build/guests/clock_check.bin" 2>&1 | grep -E '^(ok|FAIL)')
    diffs=$(grep -o 'difference [-+][0-9.]*' <<<"$out" | cut -d' ' -f2 | tr '\n' ' ')
    rtc=$(grep -o 'RTC .*' <<<"$out")
    printf '  %-24s %-5s start/busy/polling/idle: %s  %s\n' "$(basename "$pxos")" "$engine" "$diffs" "$rtc"
  done
done

[ -n "$img" ] && [ -f "$img" ] || { echo "2. skipped: no FreeDOS image (bench/clock.sh FREEDOS_IMAGE)"; exit 0; }
echo "2. FreeDOS after ${idle} s at A:\\>: its TIME minus the host's (s)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for pxos in "${builds[@]}"; do
  for engine in "${engines[@]}"; do
    mkfifo "$work/in"
    "$pxos" run --engine "$engine" --floppy "$img" --display tty --timeout $((idle + 60)) <"$work/in" 2>/dev/null |
      while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done >"$work/log" &
    exec 3>"$work/in"
    sleep "$idle"
    printf 'time\r' >&3
    sleep 3
    printf '\r' >&3
    exec 3>&-
    wait
    rm -f "$work/in"
    # "Current time is  5:03:43.89 pm" (or 24-hour) against the host's stamp of that line.
    awk '/Current time is/ { gsub(/\r/, "");
      split($NF == "am" || $NF == "pm" ? $(NF-1) : $NF, t, /[:.]/); h = t[1] % 12;
      if ($NF == "pm") h += 12; else if ($NF != "am") h = t[1];
      g = h * 3600 + t[2] * 60 + t[3] + t[4] / 100;
      cmd = "date -d @" int($1) " +%H:%M:%S"; cmd | getline hms; close(cmd); split(hms, u, ":");
      host = u[1] * 3600 + u[2] * 60 + u[3] + ($1 - int($1));
      d = g - host; if (d > 43200) d -= 86400; if (d < -43200) d += 86400;
      printf "  %-24s %-5s %+.2f\n", name, eng, d; found = 1 }
      END { if (!found) printf "  %-24s %-5s no TIME output\n", name, eng }' name="$(basename "$pxos")" eng="$engine" "$work/log"
  done
done
