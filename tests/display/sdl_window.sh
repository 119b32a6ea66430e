#!/usr/bin/env bash
# --display sdl under Xvfb: a click grabs the mouse and Ctrl+Alt releases it
# (the title says so), keys typed into the window with xdotool reach the
# guest, the window shows what --screenshot draws for the same screen (the
# root window captured with xwd, compared pixel by pixel, scaled), and
# closing the window ends the run with status 0, saying so.
#   sdl_window.sh ENGINE PXOS GUESTS_DIR
set -u
engine=$1 pxos=$2 guests=$3
tool=$(dirname "$0")/display_tool.py
. "$(dirname "$0")/lib.sh"
need Xvfb xdotool xwd python3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
# What the window should show: the demo guest after "hello" was typed.
"$pxos" run --engine "$engine" --boot-sector "$guests/demo.bin" --send-keys hello --until-text hello \
  --display none --screenshot "$tmp/want.png" --timeout 60 || { echo "FAIL: the reference run failed"; exit 1; }
start_xvfb
"$pxos" run --engine "$engine" --boot-sector "$guests/demo.bin" --display sdl --timeout 90 >"$tmp/out" 2>&1 &
pxos_pid=$!
pids+=($pxos_pid)
# The window, once its title names the engine (set when the machine is made)
# and how to grab the mouse.
wid='' title=''
for _ in $(seq 100); do
  wid=$(xdotool search --name '^pxOS' 2>/dev/null | head -1)
  [ -n "$wid" ] && title=$(xdotool getwindowname "$wid" 2>/dev/null)
  case $title in *"engine"*"click to grab the mouse"*) break ;; esac
  sleep 0.2
done
case $title in
  *"engine"*"click to grab the mouse"*) ;;
  *) echo "FAIL: no window whose title names the engine and the mouse grab (title: '$title'):"; cat "$tmp/out"; exit 1 ;;
esac
# A click grabs the mouse and Ctrl+Alt lets it go; the title says which.
title_has() {  # TEXT: the title says TEXT within 15 s (a loaded machine is slow)
  for _ in $(seq 75); do
    case $(xdotool getwindowname "$wid") in *"$1"*) return 0 ;; esac
    sleep 0.2
  done
  echo "FAIL: the title never said '$1': $(xdotool getwindowname "$wid")"
  exit 1
}
xdotool mousemove --window "$wid" 100 100 click 1
title_has "Ctrl+Alt releases the mouse"
xdotool key ctrl+alt
title_has "click to grab the mouse"
xdotool windowfocus --sync "$wid"
xdotool type --delay 30 hello
eval "$(xdotool getwindowgeometry --shell "$wid")"
ok=0
for _ in $(seq 90); do
  xwd -root -silent >"$tmp/screen.xwd"
  if python3 "$tool" window-matches "$tmp/screen.xwd" "$tmp/want.png" "$X" "$Y" "$WIDTH" "$HEIGHT" >"$tmp/why"; then
    ok=1
    break
  fi
  sleep 0.5
done
cat "$tmp/why"
[ $ok = 1 ] || { echo "FAIL: the window never showed the typed text"; exit 1; }
xdotool key Escape  # the demo guest ends with status 0 on Esc
wait $pxos_pid
status=$?
cat "$tmp/out"
[ $status = 0 ] || { echo "FAIL: pxos ended with status $status, not the guest's 0 after Esc"; exit 1; }
# Closing the window (as a window manager's close button asks) ends the run, saying so.
"$pxos" run --engine "$engine" --boot-sector "$guests/demo.bin" --display sdl --timeout 90 >"$tmp/out" 2>&1 &
pxos_pid=$!
pids+=($pxos_pid)
wid=$(wait_window)
[ -n "$wid" ] || { echo "FAIL: no second window"; cat "$tmp/out"; exit 1; }
python3 "$tool" x11-close "$wid" || exit 1
wait $pxos_pid
status=$?
cat "$tmp/out"
grep -q "the window was closed" "$tmp/out" && [ $status = 0 ] ||
  { echo "FAIL: closing the window gave status $status"; exit 1; }
echo "ok: typed keys reached the guest, the window showed them, closing it ended the run"
