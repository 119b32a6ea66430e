#!/usr/bin/env bash
# FreeDOS in the window: once its prompt is up (read from the same screen
# through --vnc), a command typed into the window with xdotool runs. The image
# is not part of the repository: PXOS_FREEDOS_IMAGE names it.
#   sdl_freedos.sh ENGINE PXOS FONT
set -u
engine=$1 pxos=$2 font=$3
tool=$(dirname "$0")/display_tool.py
if [ -z "${PXOS_FREEDOS_IMAGE:-}" ]; then
  echo "SKIPPED: PXOS_FREEDOS_IMAGE is not set; point it at a FreeDOS 1.x boot floppy image to run this test"
  exit 77
fi
[ -f "$PXOS_FREEDOS_IMAGE" ] || { echo "FAIL: PXOS_FREEDOS_IMAGE=$PXOS_FREEDOS_IMAGE is not a file"; exit 1; }
. "$(dirname "$0")/lib.sh"
need Xvfb xdotool python3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
start_xvfb
port=$(free_port)
# The marker appears only when the typed command runs, never as typed.
"$pxos" run --engine "$engine" --floppy "$PXOS_FREEDOS_IMAGE" --display sdl --vnc "127.0.0.1:$port" \
  --until-text 'sdl-typed-ok' --timeout 170 >"$tmp/out" 2>&1 &
pxos_pid=$!
pids+=($pxos_pid)
wid=$(wait_window)
[ -n "$wid" ] || { echo "FAIL: no window:"; cat "$tmp/out"; exit 1; }
wait_listening "$port"
python3 "$tool" rfb-wait-text 127.0.0.1 "$port" 'A:\>' 150 "$font" >"$tmp/why" ||
  { cat "$tmp/why"; echo "FAIL: no FreeDOS prompt"; exit 1; }
xdotool windowfocus --sync "$wid"
xdotool type --delay 30 'set M=sdl'
xdotool key Return
xdotool type --delay 30 'echo %M%-typed-ok'
xdotool key Return
wait $pxos_pid
status=$?
cat "$tmp/out"
[ $status = 0 ] || { echo "FAIL: pxos ended with status $status: the typed command did not run"; exit 1; }
echo "ok: FreeDOS ran a command typed into the window"
