# Shared by the window and VNC tests: a temporary folder, an Xvfb display of
# our own, a free TCP port, and waiting for a port to listen.
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

need() {  # PROGRAM...: each must be installed, else the test is skipped, saying why
  for p in "$@"; do
    command -v "$p" >/dev/null || { echo "SKIPPED: $p is missing (scripts/deps.sh installs it)"; exit 77; }
  done
}

start_xvfb() {  # sets DISPLAY to a new Xvfb server's (it picks a free number)
  Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp -noreset 3>"$tmp/display" 2>"$tmp/xvfb.log" &
  pids+=($!)
  for _ in $(seq 100); do
    [ -s "$tmp/display" ] && break
    sleep 0.1
  done
  [ -s "$tmp/display" ] || { echo "FAIL: Xvfb did not start:"; cat "$tmp/xvfb.log"; exit 1; }
  export DISPLAY=:$(cat "$tmp/display")
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_listening() {  # PORT
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "FAIL: nothing listens on port $1"
  exit 1
}

# wait_window: the id of pxOS's window once it exists (up to 20 s), else nothing.
wait_window() {
  local wid=''
  for _ in $(seq 100); do
    wid=$(xdotool search --name '^pxOS' 2>/dev/null | head -1)
    [ -n "$wid" ] && break
    sleep 0.2
  done
  echo "$wid"
}

# QEMU (-vga std) booting floppy IMAGE in the background, its monitor on fd 3,
# its debug console in $tmp/debug.txt and its output in $tmp/qemu.log (the
# image is not written: snapshot=on). For qemu_compare.sh and qemu_input.sh.
start_qemu() {
  mkfifo "$tmp/monitor"
  qemu-system-i386 -vga std -drive "file=$1,format=raw,if=floppy,snapshot=on" -display none -monitor stdio \
    -debugcon "file:$tmp/debug.txt" <"$tmp/monitor" >"$tmp/qemu.log" 2>&1 &
  pids+=($!)
  exec 3>"$tmp/monitor"
}

until_file() {  # FILE TEXT: FILE holds TEXT within 30 s, else the test fails showing it and QEMU's log
  for _ in $(seq 300); do
    grep -qF "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "FAIL: '$2' never came in $1:"
  cat "$1" "$tmp/qemu.log"
  exit 1
}
