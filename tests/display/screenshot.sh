#!/usr/bin/env bash
# --screenshot draws what the display device shows at its native resolution:
# boots GUEST until TEXT is on the screen or the debug console, writes the
# screenshot, and hands it to display_tool.py CHECK (png-check or png-text)
# with the remaining arguments.
#   screenshot.sh ENGINE PXOS GUEST TEXT CHECK ARGS...
set -u
engine=$1 pxos=$2 guest=$3 text=$4 check=$5
shift 5
tool=$(dirname "$0")/display_tool.py
. "$(dirname "$0")/lib.sh"
need python3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
"$pxos" run --engine "$engine" --boot-sector "$guest" --until-text "$text" --debugcon none --display none \
  --screenshot "$tmp/shot.png" --timeout 60 || { echo "FAIL: the run did not reach '$text'"; exit 1; }
python3 "$tool" "$check" "$tmp/shot.png" "$@"
