#!/usr/bin/env bash
# Runs the fixed real-mode CPU workload (guests/bench_cpu.asm) under QEMU (TCG),
# Bochs and `pxos bench cpu`, and prints the three guest instruction rates.
#
# usage: bench/cpu_compare.sh [PXOS_BINARY]
#   env: ITERATIONS        workload iterations for pxos and QEMU (default 20000000)
#        BOCHS_ITERATIONS  iterations for Bochs, which is much slower (default 2000000)
#        SKIP_BOCHS=1 / SKIP_QEMU=1
#
# All three run the same bytes. The instruction count of the workload comes from
# pxos (instructions_retired; a REP string instruction counts once). No BIOS is
# involved: a 64 KiB ROM built here copies the workload to 0000:7C00 and jumps to
# it, for QEMU (-bios) and Bochs (romimage) alike.
#   pxos:  its own timing of the run (no start-up in it).
#   QEMU:  (time(N iterations) - time(0 iterations)), so start-up cancels out.
#   Bochs: the time between the workload's 'S' and 'D' bytes on port 0xE9.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pxos=${1:-$root/build/pxos}
iters=${ITERATIONS:-20000000}
bochs_iters=${BOCHS_ITERATIONS:-2000000}
[[ -x $pxos ]] || { echo "cpu_compare: no pxos binary at $pxos (pass its path)" >&2; exit 2; }

tmp=$(mktemp -d)
bochs_pid=
cleanup() {
  [[ -n $bochs_pid ]] && kill "$bochs_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

bin=$(dirname "$pxos")/guests/bench_cpu.bin
if [[ ! -f $bin ]]; then
  nasm -f bin -o "$tmp/bench_cpu.bin" "$root/guests/bench_cpu.asm"
  bin=$tmp/bench_cpu.bin
fi

now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }

# A copy of the workload with the iteration count (dword at offset 4) patched.
patched() {  # N OUT
  python3 - "$bin" "$1" "$2" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[4:8] = int(sys.argv[2]).to_bytes(4, 'little')
open(sys.argv[3], 'wb').write(d)
EOF
}

# A 64 KiB ROM (and a 128 KiB one for Bochs) that boots straight into the workload.
make_rom() {  # N
  patched "$1" "$tmp/w$1.bin"
  cat > "$tmp/rom$1.asm" <<EOF
bits 16
org 0
entry:
  cli
  xor ax, ax
  mov es, ax
  mov ax, 0xF000
  mov ds, ax
  mov si, payload
  mov di, 0x7C00
  mov cx, 512
  cld
  rep movsb
  jmp 0:0x7C00
payload: incbin "$tmp/w$1.bin"
times 0xFFF0-(\$-\$\$) db 0
  jmp 0xF000:entry
times 0x10000-(\$-\$\$) db 0
EOF
  nasm -f bin -o "$tmp/rom$1.bin" "$tmp/rom$1.asm"
  { head -c 65536 /dev/zero; cat "$tmp/rom$1.bin"; } > "$tmp/rom128_$1.bin"
}

insns_for() {  # N -> instructions retired by pxos for N iterations
  "$pxos" bench cpu --bin "$bin" --iterations "$1" | awk '/^instructions:/ {print $2}'
}

echo "workload: $bin"
# ---- pxos ----
out=$("$pxos" bench cpu --bin "$bin" --iterations "$iters")
n_full=$(awk '/^instructions:/ {print $2}' <<<"$out")
pxos_mips=$(awk '/^MIPS:/ {print $2}' <<<"$out")
n_zero=$(insns_for 0)
echo "pxos:  $n_full instructions for $iters iterations, $pxos_mips MIPS"

# ---- QEMU (TCG) ----
qemu_mips=n/a
if [[ -z ${SKIP_QEMU:-} ]] && ! command -v qemu-system-i386 >/dev/null; then
  echo "qemu:  skipped: qemu-system-i386 is missing (Debian: qemu-system-x86; scripts/deps.sh --bench installs it)"
elif [[ -z ${SKIP_QEMU:-} ]]; then
  run_qemu() {  # N -> seconds
    local t0 t1
    t0=$(now)
    timeout 600 qemu-system-i386 -accel tcg -bios "$tmp/rom$1.bin" -display none -nodefaults -m 32 \
      -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon "file:$tmp/qemu$1.e9" || true
    t1=$(now)
    grep -q D "$tmp/qemu$1.e9" || { echo "cpu_compare: QEMU did not finish the workload" >&2; exit 1; }
    calc "$t1 - $t0"
  }
  make_rom "$iters"
  make_rom 0
  tq=$(run_qemu "$iters")
  tz=$(run_qemu 0)
  qemu_mips=$(calc "round(($n_full - $n_zero) / ($tq - $tz) / 1e6, 1)")
  echo "qemu:  ${tq}s for $iters iterations, ${tz}s for 0 (start-up), $qemu_mips MIPS"
fi

# ---- Bochs ----
bochs_mips=n/a
if [[ -z ${SKIP_BOCHS:-} ]] && ! command -v bochs >/dev/null; then
  echo "bochs: skipped: bochs is missing (Debian: bochs; scripts/deps.sh installs it)"
elif [[ -z ${SKIP_BOCHS:-} ]]; then
  make_rom "$bochs_iters"
  vga=/usr/share/seabios/vgabios-isavga.bin
  [[ -f $vga ]] || vga=/usr/share/bochs/VGABIOS-lgpl-latest
  gui=nogui
  ls /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_nogui* >/dev/null 2>&1 || gui='rfb, options="timeout=0"'
  cat > "$tmp/bochsrc" <<EOF
megs: 32
romimage: file=$tmp/rom128_$bochs_iters.bin
vgaromimage: file=$vga
display_library: $gui
port_e9_hack: enabled=1
log: /dev/null
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
clock: sync=none
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
EOF
  echo c > "$tmp/bochs.cmds"  # builds with the debugger stop at a prompt first
  (cd "$tmp" && exec bochs -q -f "$tmp/bochsrc" -rc "$tmp/bochs.cmds" > "$tmp/bochs.out" 2> "$tmp/bochs.err") &
  bochs_pid=$!
  ts=
  td=
  deadline=$(( $(date +%s) + 900 ))
  while (( $(date +%s) < deadline )); do
    tail=$(tail -c 2 "$tmp/bochs.out" 2>/dev/null || true)
    if [[ -z $ts && ( $tail == *S || $tail == SD ) ]]; then ts=$(now); fi
    if [[ $tail == SD ]]; then td=$(now); break; fi
    kill -0 "$bochs_pid" 2>/dev/null || break
    sleep 0.01
  done
  kill "$bochs_pid" 2>/dev/null || true
  wait "$bochs_pid" 2>/dev/null || true
  bochs_pid=
  if [[ -n $ts && -n $td ]]; then
    nb=$(insns_for "$bochs_iters")
    bochs_mips=$(calc "round(($nb - $n_zero) / ($td - $ts) / 1e6, 1)")
    echo "bochs: $(calc "round($td - $ts, 2)")s for $bochs_iters iterations, $bochs_mips MIPS"
  else
    echo "cpu_compare: Bochs did not finish the workload (see its output below)" >&2
    tail -5 "$tmp/bochs.err" >&2 || true
  fi
fi

echo
printf '%-8s %12s\n' engine "MIPS"
printf '%-8s %12s\n' pxos "$pxos_mips" qemu "$qemu_mips" bochs "$bochs_mips"
