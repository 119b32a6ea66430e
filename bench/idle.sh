#!/usr/bin/env bash
# What an idle guest costs the host: the CPU time pxOS uses over 10 s while
# FreeDOS sits at A:\> waiting for a key (stdin open, nothing typed), on each
# engine, beside QEMU TCG on the same image (it has no idle detection) and,
# with BEFORE=path/to/an/older/pxos, that build too; with $DISPLAY set, pxOS
# with its window and VNC server as well. Target: under 2 % of a core.
#   bench/idle.sh [FREEDOS_FLOPPY_IMAGE]   (default: $PXOS_FREEDOS_IMAGE)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
img=${1:-${PXOS_FREEDOS_IMAGE:-}}
[ -n "$img" ] && [ -f "$img" ] || { echo "usage: bench/idle.sh FREEDOS_IMAGE (or set PXOS_FREEDOS_IMAGE)"; exit 2; }
pxos=$here/build/pxos
[ -x "$pxos" ] || { echo "build pxos first (make)"; exit 2; }
seconds=${SECONDS_MEASURED:-10}
boot_wait=${BOOT_WAIT:-5}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

# cpu_percent CMD...: starts CMD with stdin from a FIFO held open, waits for the
# boot, and prints the % of one core it used over the next $seconds s.
cpu_percent() {
  local fifo=$work/stdin
  rm -f "$fifo"
  mkfifo "$fifo"
  "$@" <"$fifo" >/dev/null 2>&1 &
  local pid=$!
  exec 3>"$fifo"
  sleep "$boot_wait"
  local t0 t1
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  sleep "$seconds"
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  exec 3>&-
  awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v s="$seconds" 'BEGIN { printf "%.1f", 100 * d / hz / s }'
}

echo "CPU time at the FreeDOS prompt, % of one core over $seconds s (target: under 2 %)"
run=(run --floppy "$img" --display none --timeout $((boot_wait + seconds + 30)))
printf '  %-28s %6s %%\n' "pxOS soft engine" "$(cpu_percent "$pxos" "${run[@]}" --engine soft)"
if [ -n "${DISPLAY:-}" ]; then  # the window and the VNC server open too (a later --display wins)
  printf '  %-28s %6s %%\n' "pxOS soft, window and VNC" \
    "$(cpu_percent "$pxos" "${run[@]}" --engine soft --display sdl --vnc "127.0.0.1:${VNC_PORT:-47901}")"
else
  echo "  (pxOS with the window and VNC: not measured, DISPLAY is not set; e.g. run under Xvfb)"
fi
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
  printf '  %-28s %6s %%\n' "pxOS KVM engine" "$(cpu_percent "$pxos" "${run[@]}" --engine kvm)"
fi
if [ -n "${BEFORE:-}" ]; then
  printf '  %-28s %6s %%\n' "before: $(basename "$BEFORE") soft" "$(cpu_percent "$BEFORE" "${run[@]}" --engine soft)"
fi
if command -v qemu-system-i386 >/dev/null; then
  printf '  %-28s %6s %%\n' "QEMU TCG" "$(cpu_percent qemu-system-i386 -display none -monitor none -serial none \
    -parallel none -net none -m 16 -drive "file=$img,format=raw,if=floppy,snapshot=on" -boot a -accel tcg)"
else
  echo "  (QEMU TCG: qemu-system-i386 is not installed; scripts/deps.sh --bench installs it)"
fi
