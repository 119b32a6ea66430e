#!/usr/bin/env bash
# --vnc: a VNC client of ours (display_tool.py, raw RFB) types into the guest
# and then sees exactly what --screenshot draws for that screen; vncsnapshot,
# a real client, takes the picture too; a second server on the same port is
# a one-line error with status 2.
#   vnc_server.sh ENGINE PXOS GUESTS_DIR
set -u
engine=$1 pxos=$2 guests=$3
tool=$(dirname "$0")/display_tool.py
. "$(dirname "$0")/lib.sh"
need vncsnapshot python3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
"$pxos" run --engine "$engine" --boot-sector "$guests/demo.bin" --send-keys hello --until-text hello \
  --display none --screenshot "$tmp/want.png" --timeout 60 || { echo "FAIL: the reference run failed"; exit 1; }
port=$(free_port)
"$pxos" run --engine "$engine" --boot-sector "$guests/demo.bin" --display none --vnc "$port" --timeout 90 \
  >"$tmp/out" 2>&1 &
pxos_pid=$!
pids+=($pxos_pid)
wait_listening "$port"
"$pxos" run --boot-sector "$guests/demo.bin" --display none --vnc "127.0.0.1:$port" --timeout 5 2>"$tmp/busy"
busy=$?
grep -q "cannot listen on 127.0.0.1:$port" "$tmp/busy" && [ $busy = 2 ] ||
  { echo "FAIL: a busy port gave status $busy and: $(cat "$tmp/busy")"; exit 1; }
python3 "$tool" rfb-type 127.0.0.1 "$port" hello || exit 1
python3 "$tool" rfb-matches 127.0.0.1 "$port" "$tmp/want.png" 30 || { echo "FAIL: the VNC picture"; exit 1; }
timeout 30 vncsnapshot -allowblank "127.0.0.1::$port" "$tmp/snap.jpg" >"$tmp/snap.log" 2>&1 ||
  { cat "$tmp/snap.log"; echo "FAIL: vncsnapshot"; exit 1; }
size=$(python3 "$tool" jpeg-size "$tmp/snap.jpg")
[ "$size" = 720x400 ] || { echo "FAIL: vncsnapshot's picture is $size, not 720x400 (mode 03h: 80 9-dot cells, 25 rows of 16)"; exit 1; }
python3 "$tool" rfb-type 127.0.0.1 "$port" '{esc}' || exit 1
wait $pxos_pid
status=$?
cat "$tmp/out"
[ $status = 0 ] || { echo "FAIL: pxos ended with status $status, not the guest's 0 after Esc"; exit 1; }
echo "ok: VNC keys reached the guest, the VNC picture is the screenshot's, vncsnapshot saw 720x400"
