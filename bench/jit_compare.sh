#!/usr/bin/env bash
# The translator beside QEMU TCG (issue 18): three CPU workloads under `pxos bench cpu`
# (--jit on and --jit off) and under qemu-system-i386 -accel tcg, in one run, and
# optionally the FreeDOS and Linux boots (bench/boot.sh, bench/linux.sh). One line per
# workload: seconds for pxOS (translator on, off) and QEMU, and pxOS/QEMU (target <= 1.0).
#
# usage: bench/jit_compare.sh [PXOS_BINARY]
#   env: RUNS            rounds (default 3); each round runs every engine once, in turn,
#                        and each figure is the best (least) of its rounds
#        ITER_LOOP16     iterations of guests/bench_loop16.asm (default 2000000)
#        ITER_LOOP32     iterations of guests/bench_loop32.asm (default 5000000)
#        ITER_CPU        iterations of guests/bench_cpu.asm (default 5000000)
#        SKIP_QEMU=1     pxOS only
#        SKIP_FREEDOS=1  no FreeDOS line (it needs PXOS_FREEDOS_IMAGE, a FreeDOS floppy)
#        SKIP_LINUX=1    no Linux line (bench/linux.sh fetches Debian's kernel and busybox)
#
# The workloads: a real-mode loop of DOS-style code (bench_loop16), a flat 32-bit
# protected-mode loop of compiler-style code (bench_loop32), both ending with a checksum
# of their work on port E9h, and the older real-mode mix (bench_cpu, no checksum).
#   pxOS:  its own timing of the run (`pxos bench cpu` runs the workload alone, no start-up).
#   QEMU:  time(N iterations) - time(0 iterations), the best of each, so start-up cancels
#          out; a 64 KiB ROM built here copies the workload to 0000:7C00 and jumps to it.
# The guest output (S, D and the checksum) of pxOS with the translator on, off and of QEMU
# must be the same: a difference fails the script (exit 1).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pxos=${1:-$root/build/pxos}
runs=${RUNS:-3}
[[ -x $pxos ]] || { echo "jit_compare: no pxos binary at $pxos (pass its path)" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "jit_compare: RUNS='$runs' is not a positive number" >&2; exit 2; }
command -v nasm >/dev/null || { echo "jit_compare: nasm is missing (Debian: nasm)" >&2; exit 2; }
use_qemu=1
if [[ -n ${SKIP_QEMU:-} ]]; then
  use_qemu=
elif ! command -v qemu-system-i386 >/dev/null; then
  echo "qemu: skipped: qemu-system-i386 is missing (Debian: qemu-system-x86; scripts/deps.sh --bench installs it)"
  use_qemu=
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }
min() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }

# The workload's binary: built next to pxos, else assembled here.
workload_bin() {  # NAME -> path
  local b
  b=$(dirname "$pxos")/guests/$1.bin
  if [[ ! -f $b ]]; then
    b=$tmp/$1.bin
    nasm -f bin -o "$b" "$root/guests/$1.asm"
  fi
  echo "$b"
}

# A 64 KiB ROM that copies the workload (iteration count patched) to 0000:7C00 and runs it.
make_rom() {  # BIN N OUT
  python3 - "$1" "$2" "$tmp/payload.bin" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[4:8] = int(sys.argv[2]).to_bytes(4, 'little')
open(sys.argv[3], 'wb').write(d)
EOF
  local size
  size=$(stat -c %s "$tmp/payload.bin")
  cat > "$tmp/rom.asm" <<EOF
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
  mov cx, $size
  cld
  rep movsb
  jmp 0:0x7C00
payload: incbin "$tmp/payload.bin"
times 0xFFF0-(\$-\$\$) db 0
  jmp 0xF000:entry
times 0x10000-(\$-\$\$) db 0
EOF
  nasm -f bin -o "$3" "$tmp/rom.asm"
}

# pxos bench cpu: sets p_secs, p_insns, p_out.
run_pxos() {  # BIN N JIT
  local out
  out=$("$pxos" bench cpu --bin "$1" --iterations "$2" --jit "$3")
  p_secs=$(sed -n 's/^time: \([0-9.]*\) s$/\1/p' <<<"$out")
  p_insns=$(sed -n 's/^instructions: //p' <<<"$out")
  p_out=$(sed -n 's/^guest output: //p' <<<"$out")
}

# QEMU on a ROM: sets q_secs, q_out (the printable bytes the guest wrote to port E9h).
run_qemu() {  # ROM
  local t0 t1
  rm -f "$tmp/qemu.e9"
  t0=$(now)
  timeout 600 qemu-system-i386 -accel tcg -bios "$1" -display none -nodefaults -m 32 \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon "file:$tmp/qemu.e9" || true
  t1=$(now)
  q_out=$(tr -cd '\040-\176' < "$tmp/qemu.e9")
  [[ $q_out == *D* ]] || { echo "jit_compare: QEMU did not finish the workload ($1)" >&2; exit 1; }
  q_secs=$(calc "$t1 - $t0")
}

mismatch=0
bench_workload() {  # NAME N
  local insns name=$1 n=$2 bin on=() off=() qn=() q0=() out_on= out_off= out_q=
  bin=$(workload_bin "$name")
  if [[ -n $use_qemu ]]; then
    make_rom "$bin" "$n" "$tmp/rom_n.bin"
    make_rom "$bin" 0 "$tmp/rom_0.bin"
  fi
  for ((r = 1; r <= runs; r++)); do
    run_pxos "$bin" "$n" on; on+=("$p_secs"); out_on=$p_out; insns=$p_insns
    run_pxos "$bin" "$n" off; off+=("$p_secs"); out_off=$p_out
    if [[ -n $use_qemu ]]; then
      run_qemu "$tmp/rom_n.bin"; qn+=("$q_secs"); out_q=$q_out
      run_qemu "$tmp/rom_0.bin"; q0+=("$q_secs")
    fi
  done
  local best_on best_off q=n/a ratio_on=n/a ratio_off=n/a sum=${out_on#SD}
  best_on=$(min "${on[@]}")
  best_off=$(min "${off[@]}")
  if [[ -n $use_qemu ]]; then
    q=$(calc "round($(min "${qn[@]}") - $(min "${q0[@]}"), 3)")
    ratio_on=$(calc "round($best_on / $q, 2) if $q > 0 else 'n/a'")
    ratio_off=$(calc "round($best_off / $q, 2) if $q > 0 else 'n/a'")
  fi
  local verdict=same
  if [[ $out_on != "$out_off" ]] || { [[ -n $use_qemu ]] && [[ $out_on != "$out_q" ]]; }; then
    verdict="MISMATCH (jit on '$out_on', jit off '$out_off', qemu '${out_q:-n/a}')"
    mismatch=1
  fi
  [[ -z $sum ]] && sum=none
  printf '%-13s %11s %10s %9s %9s %9s %8s %8s  %s %s\n' "$name" "$n" "$insns" "$best_on" "$best_off" "$q" \
    "$ratio_on" "$ratio_off" "$sum" "$verdict"
}

echo "pxOS: $pxos ($("$pxos" --version 2>/dev/null | head -1)); $runs rounds, best of each"
[[ -n $use_qemu ]] && echo "QEMU: $(qemu-system-i386 --version | head -1), -accel tcg"
header=$(printf '%-13s %11s %10s %9s %9s %9s %8s %8s  %s' workload iterations insns "jit on s" "jit off s" "qemu s" \
  "on/qemu" "off/qemu" "checksum")
echo "$header"
bench_workload bench_loop16 "${ITER_LOOP16:-2000000}"
bench_workload bench_loop32 "${ITER_LOOP32:-5000000}"
bench_workload bench_cpu "${ITER_CPU:-5000000}"

# The boots, through their own scripts (RUNS runs each, KVM left out), their best times.
boot_line() {  # PXOS_SECONDS QEMU_SECONDS
  if [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]]; then
    printf 'pxOS %s s, QEMU %s s (best of %s), pxOS/QEMU %s' "$1" "$2" "$runs" "$(calc "round($1 / $2, 2)")"
  else
    printf 'failed (pxOS "%s", QEMU "%s"; run its script alone to see why)' "$1" "$2"
  fi
}
boot_lines=()
if [[ -n ${SKIP_FREEDOS:-} ]]; then
  boot_lines+=("freedos boot: skipped (SKIP_FREEDOS)")
elif [[ -z ${PXOS_FREEDOS_IMAGE:-} || ! -f ${PXOS_FREEDOS_IMAGE:-} ]]; then
  boot_lines+=("freedos boot: skipped: set PXOS_FREEDOS_IMAGE to a FreeDOS boot floppy")
elif [[ -z $use_qemu ]]; then
  boot_lines+=("freedos boot: skipped (no QEMU)")
else
  out=$(RUNS=$runs SKIP_KVM=1 "$root/bench/boot.sh" "$PXOS_FREEDOS_IMAGE") || true
  boot_lines+=("freedos boot: $(boot_line "$(awk '/^  pxos-soft / {print $2}' <<<"$out")" \
    "$(awk '/^  qemu-tcg / {print $2}' <<<"$out")")")
fi
if [[ -n ${SKIP_LINUX:-} ]]; then
  boot_lines+=("linux boot: skipped (SKIP_LINUX)")
elif [[ -z $use_qemu ]]; then
  boot_lines+=("linux boot: skipped (no QEMU)")
else
  out=$(RUNS=$runs "$root/bench/linux.sh") || true
  boot_lines+=("linux boot: $(boot_line "$(awk '/^pxOS soft engine/ {print $4}' <<<"$out")" \
    "$(awk '/^QEMU TCG/ {print $4}' <<<"$out")")")
fi
printf '%s\n' "${boot_lines[@]}"
if ((mismatch)); then
  echo "jit_compare: the guest output differs between engines (see MISMATCH above)" >&2
  exit 1
fi
