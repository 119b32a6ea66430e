#!/usr/bin/env bash
# --screenshot draws what the display device shows at its native resolution:
# boots GUEST, typing KEYS ("" for none), until TEXT is on the screen or the
# debug console, writes the screenshot, and hands it to display_tool.py
# CHECK (png-check or png-text) with the remaining arguments. With
# $SCREENSHOT_EXPECT set, KEYS are typed once that text has shown (--expect).
#   screenshot.sh ENGINE PXOS GUEST KEYS TEXT CHECK ARGS...
set -u
engine=$1 pxos=$2 guest=$3 keys=$4 text=$5 check=$6
shift 6
tool=$(dirname "$0")/display_tool.py
. "$(dirname "$0")/lib.sh"
need python3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
send=()
[ -n "${SCREENSHOT_EXPECT:-}" ] && send=(--expect "$SCREENSHOT_EXPECT")
[ -n "$keys" ] && send+=(--send-keys "$keys")
"$pxos" run --engine "$engine" --boot-sector "$guest" "${send[@]}" --until-text "$text" --display none \
  --screenshot "$tmp/shot.png" --timeout 60 || { echo "FAIL: the run did not reach '$text'"; exit 1; }
python3 "$tool" "$check" "$tmp/shot.png" "$@"
