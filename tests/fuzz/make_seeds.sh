#!/usr/bin/env bash
# Regenerates the fuzzers' seed corpora in tests/fuzz/corpus/<target>/
# (committed; run again only when an input format changes).
#   make_seeds.sh PXOS GUEST_DIR [SNIPPET_DIR]
# PXOS is a built pxos binary (for the PXI files), GUEST_DIR its guests/, SNIPPET_DIR
# the translator test's assembled snippets (default: GUEST_DIR/../tests/soft/jit).
set -eu
pxos=$1 guests=$2 snippets=${3:-$2/../tests/soft/jit}
here=$(cd "$(dirname "$0")" && pwd)
c=$here/corpus
rm -rf "$c"
mkdir -p "$c"/{fuzz_pxi,fuzz_disk,fuzz_bios,fuzz_devices,fuzz_vga,fuzz_soft_cpu,fuzz_jit,fuzz_linux_boot,fuzz_gdb_packet,fuzz_fat,fuzz_pci,fuzz_virtio}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# PXI: small valid programs in both forms, and a truncated one.
"$pxos" pxi build --text "Hello, PXI" -o "$c/fuzz_pxi/hello.png" --width 8
"$pxos" pxi build --text "Hello, PXI" -o "$c/fuzz_pxi/hello.pxr" --width 8
"$pxos" pxi build --text "line settings" -o "$c/fuzz_pxi/divisor.pxr" --width 16 --divisor 12 --lcr 27
head -c 40 "$c/fuzz_pxi/hello.png" >"$c/fuzz_pxi/truncated.png"

# Python writes the binary seeds: see each target's header for its layout.
python3 - "$c" "$guests" <<'PY'
import os, struct, sys
c, guests = sys.argv[1], sys.argv[2]
def put(target, name, data):
    with open(os.path.join(c, target, name), "wb") as f:
        f.write(data)

boot = open(os.path.join(guests, "test_boot.bin"), "rb").read()[:512]
boot = boot.ljust(512, b"\0")

# fuzz_disk: [kind][a20][calls] frames of 20 bytes (AX BX CX DX SI DI ES DS EBXhi ECXhi), image.
def frame(ax=0, bx=0, cx=0, dx=0, si=0, di=0, es=0, ds=0, bxh=0, cxh=0):
    return struct.pack("<10H", ax, bx, cx, dx, si, di, es, ds, bxh, cxh)
dap = struct.pack("<BBHHHQ", 16, 0, 4, 0x1000, 0x0000, 0)
floppy_calls = [frame(0x0201, 0x7C00, 0x0001, 0x0000), frame(0x0800, dx=0), frame(0x0302, 0x0000, 0x4F12, 0x0100, es=0xFFF0),
                frame(0x0201, 0xFFF0, 0x0001, 0x0000, es=0xFFFF), frame(0x1500), frame(0x0000)]
put("fuzz_disk", "floppy_reads", bytes([0, 1, len(floppy_calls)]) + b"".join(floppy_calls) + boot)
hd_calls = [frame(0x4100, 0x55AA, dx=0x80), frame(0x4200, dx=0x80, si=0x500, ds=0), frame(0x4800, dx=0x80, si=0x600),
            frame(0x0801, dx=0x80), frame(0x0201, 0xFFF0, 0x0001, 0x0080, es=0xF000), frame(0x4300, dx=0x80, si=0x500)]
put("fuzz_disk", "hd_extensions", bytes([1, 0, len(hd_calls)]) + b"".join(hd_calls) + dap.ljust(512, b"\0") + boot * 7)
put("fuzz_disk", "hd_tiny", bytes([1, 1, 1]) + frame(0x0201, 0x7C00, 0x0001, 0x0080) + boot)
put("fuzz_disk", "empty_floppy", bytes([0, 1, 1]) + frame(0x0800))

# fuzz_bios: [a20][patch count]{addr u32, len u8, bytes} then frames:
# vector, EAX ECX EDX EBX ESP EBP ESI EDI (u32), ES, DS, FLAGS.
def call(vec, eax=0, ecx=0, edx=0, ebx=0, esi=0, edi=0, es=0, ds=0, flags=0x202, ebp=0):
    return bytes([vec]) + struct.pack("<8I3H", eax, ecx, edx, ebx, 0xFFFE, ebp, esi, edi, es, ds, flags)
# INT 15h AH=87h: a GDT at 0000:0600 copying 1 KiB from 0x7C00 to 0x100000.
def desc(base, limit=0xFFFF):
    return struct.pack("<HHBBBB", limit, base & 0xFFFF, (base >> 16) & 0xFF, 0x93, 0, base >> 24)
gdt = b"\0" * 16 + desc(0x7C00) + desc(0x100000) + b"\0" * 16
put("fuzz_bios", "int15_87", bytes([1, 1]) + struct.pack("<IB", 0x600, len(gdt)) + gdt + call(0x15, eax=0x8700, ecx=512, esi=0x600))
put("fuzz_bios", "e820", bytes([1, 0]) + call(0x15, eax=0xE820, ecx=20, edx=0x534D4150, edi=0x500) +
    call(0x15, eax=0xE820, ebx=1, ecx=24, edx=0x534D4150, edi=0xFFF0, es=0xFFFF))
put("fuzz_bios", "video", bytes([1, 0]) + call(0x10, eax=0x0003) + call(0x10, eax=0x0E41) + call(0x10, eax=0x0601, ecx=0, edx=0x184F) +
    call(0x10, eax=0x1300 | 1, ecx=5, edx=0, ebx=7, es=0) + call(0x10, eax=0x0F00))
# INT 10h's fonts and state: a user font, 50 rows, AH=1Bh/1Ch at the top of memory, graphics pages and AH=08h.
put("fuzz_bios", "video_fonts", bytes([1, 0]) + call(0x10, eax=0x0003) + call(0x10, eax=0x1100, ebx=0x1001, ecx=2, edx=0x41, es=0xF000, ebp=0xC000) +
    call(0x10, eax=0x1112) + call(0x10, eax=0x1130, ebx=0x0500) + call(0x10, eax=0x1A01, ebx=0x0008) +
    call(0x10, eax=0x1B00, edi=0xFFF0, es=0xFFFF) + call(0x10, eax=0x1C01, ecx=7, ebx=0x1000) + call(0x10, eax=0x1C02, ecx=7, ebx=0xFFF0, es=0xFFFF) +
    call(0x10, eax=0x0010) + call(0x10, eax=0x0501) + call(0x10, eax=0x0941, ebx=0x0F, ecx=1) + call(0x10, eax=0x0800) +
    call(0x10, eax=0x1121, ecx=0xFFFF, ebx=0x0003, es=0xFFFF, ebp=0xFFFF))
put("fuzz_bios", "disk_ext", bytes([1, 1]) + struct.pack("<IB", 0x500, len(dap)) + dap +
    call(0x13, eax=0x4100, ebx=0x55AA, edx=0x80) + call(0x13, eax=0x4200, edx=0x80, esi=0x500) + call(0x13, eax=0x4800, edx=0x80, esi=0x700) +
    call(0x13, eax=0x0201, ebx=0xFFF0, ecx=1, edx=0, es=0xFFFF))
put("fuzz_bios", "misc", bytes([0, 0]) + call(0x11) + call(0x12) + call(0x16, eax=0x0100) + call(0x1A, eax=0x0200) +
    call(0x1A, eax=0x0000) + call(0x15, eax=0x2401) + call(0x15, eax=0x8600, ecx=0, edx=100) + call(0x14, eax=0x00E3) + call(0x17, eax=0x0200) +
    call(0x15, eax=0xC000) + call(0x15, eax=0x8800) + call(0x15, eax=0xE801))

# fuzz_devices: op bytes. Port-table indices: see kPorts in fuzz_devices.cpp.
def w(idx, v, size=0):  # size 0: byte
    return bytes([0x08 | size << 4, idx]) + struct.pack("<I", v)
def r(idx, size=0):
    return bytes([size << 4, idx])
pic_init = w(0, 0x11) + w(1, 0x08) + w(1, 0x04) + w(1, 0x01) + w(2, 0x11) + w(3, 0x70) + w(3, 0x02) + w(3, 0x01) + w(1, 0x00)
pit = w(9, 0x36) + w(6, 0x00) + w(6, 0x00) + bytes([4]) + struct.pack("<H", 60000) + bytes([5])
put("fuzz_devices", "pic_pit", pic_init + pit + r(0) + w(0, 0x0B) + r(0) + w(0, 0x20))
put("fuzz_devices", "cmos", w(11, 0x0B) + w(12, 0x42) + bytes([4]) + struct.pack("<H", 2000) + w(11, 0x0C) + r(12) + w(11, 0x8F) + r(12))
put("fuzz_devices", "kbc", w(14, 0xD1) + w(13, 0xDF) + w(14, 0x20) + r(13) + w(13, 0xFF) + r(13) + r(14) + bytes([6, 0x1E, 0x9E, 0x41]) + r(13) + w(14, 0xFE))
# The mouse: AUX on with IRQ 12, reset, the IntelliMouse knock, enable, moves, a status request.
aux = lambda b, read=True: bytes([0xC6 if read else 0x86, b])
move = lambda dx, dy, dz, buttons: bytes([0x46]) + struct.pack("<hhbB", dx, dy, dz, buttons)
put("fuzz_devices", "mouse", pic_init + w(14, 0xA8) + w(14, 0x60) + w(13, 0x47) + aux(0xFF) + aux(0xF3, False) + aux(200) +
    aux(0xF3, False) + aux(100) + aux(0xF3, False) + aux(80) + aux(0xF2) + aux(0xF4) + move(5, -3, 1, 1) + r(14) + r(13) +
    move(-300, 400, 0, 6) + r(13) + r(13) + bytes([5]) + aux(0xE9) + w(14, 0xA7) + move(1, 1, 0, 0) + w(14, 0xA9) + r(13))
put("fuzz_devices", "uart", w(19, 0x80) + w(16, 0x01) + w(17, 0x00) + w(19, 0x03) + w(18, 0xC7) + w(17, 0x0F) + bytes([6, 0x1C, 0x9C, 0x5A]) + r(21) + r(16) + r(18))
put("fuzz_devices", "vga", w(38, 0x0E) + r(39) + w(38, 0x0F) + w(39, 0x50) + w(31, 0x00) + w(32, 0x3F) + r(40) + r(26) + w(26, 0x10) + w(26, 0x01) + r(36))
# VBE: 640x480x8 with the LFB through the DISPI ports (66: 1CEh, 67: 1CFh, 16-bit), a 4-byte write to the bank
# window (op 3Dh: size byte, offset, bytes), a render (op 0Ch).
vbe_mode = b"".join(w(66, i, 1) + w(67, v, 1) for i, v in ((1, 640), (2, 480), (3, 8), (4, 0x41)))
put("fuzz_devices", "vbe", vbe_mode + bytes([0x3D, 3]) + struct.pack("<I", 0x10) + bytes([1, 2, 3, 4]) + bytes([0x0C]) + struct.pack("<H", 1))
put("fuzz_devices", "trap", bytes([7]) + struct.pack("<8I", 0x0E41, 0, 0, 0, 0x7000, 0, 0, 0) + struct.pack("<6H", 0x1000 + 0x10 * 8, 0, 0, 0, 0x7C00, 0) + struct.pack("<3H", 0x7C00, 0, 0x202) +
    w(42, ord("x")) + w(43, 0x55) + bytes([0x48]) + struct.pack("<HI", 0x1234, 7))
# The ACPI PM registers (70: 600h PM1_STS, 72: 602h PM1_EN, 74: 604h PM1_CNT, 76: 608h PM_TMR): TMR_EN and
# PWRBTN_EN, 2.4 s of clock (bit 23 of the timer changes: TMR_STS, the SCI), the status read and cleared, the
# timer read, a sleep type it refuses (WAK_STS), then S5.
put("fuzz_devices", "acpi_pm", w(72, 0x0101, 1) + (bytes([4]) + struct.pack("<H", 60000)) * 40 + r(70, 1) + w(70, 0xFFFF, 1) +
    r(76, 2) + r(77) + w(74, 0x2400, 1) + r(70, 1) + w(74, 0x2000, 1) + r(74, 1))

# fuzz_vga: op bytes, see src/fuzz/fuzz_vga.cpp. Port-table indices: 4/5 sequencer, 12/13 graphics
# controller, 14/15 CRTC.
def vport(idx, v):
    return bytes([0, idx, v])
def vmem(offset, data):  # a write through the MMIO bus at A0000h + offset
    return bytes([2 | {1: 0, 2: 1, 4: 2, 8: 3}[len(data)] << 4]) + struct.pack("<I", offset) + data
def vread(offset):
    return bytes([3]) + struct.pack("<I", offset)
def vplane(plane, offset, v):
    return bytes([7, plane]) + struct.pack("<HB", offset, v)
vrender = bytes([6])
def vtick(n):  # n * 100 us
    return bytes([5]) + struct.pack("<H", n)
put("fuzz_vga", "mode13", bytes([4, 0x13]) + vmem(0, bytes([1, 2, 3, 4])) + vmem(320 * 100 + 5, b"\x0f") + vrender +
    vmem(5, b"\x20") + vrender)
put("fuzz_vga", "text", bytes([4, 0x03]) + vplane(2, 0x41 * 32 + 3, 0xF0) + vmem(0x18000, b"A\x1e") + vrender +
    vtick(1400) + vrender + vport(14, 0x0A) + vport(15, 0x20) + vrender)
put("fuzz_vga", "planar", bytes([4, 0x12]) + vport(12, 5) + vport(13, 2) + vport(12, 8) + vport(13, 0x40) + vread(100) +
    vmem(100, b"\x0c") + vrender + vport(12, 5) + vport(13, 0x08) + vread(100))
put("fuzz_vga", "mode_x_split", bytes([0x84]) + vport(4, 2) + vport(5, 4) + vmem(80 * 10 + 3, b"\x0f") + vrender +
    vport(14, 0x18) + vport(15, 100) + vport(14, 0x0C) + vport(15, 0x01) + vrender)
put("fuzz_vga", "cga", bytes([4, 0x04]) + vmem(0x18000 + 0x2000 + 81, b"\x20\x30") + vrender + bytes([4, 0x06]) + vrender)

# fuzz_soft_cpu: [flags] 8 x u32 registers, CS IP SS DS ES FS GS (u16), EFLAGS u32, then code.
def cpu(code, flags=0, cs=0, ip=0x7C00, regs=(0,) * 8, ss=0, sp=0x7000):
    regs = list(regs); regs[4] = sp
    return bytes([flags]) + struct.pack("<8I", *regs) + struct.pack("<7H", cs, ip, ss, 0, 0, 0, 0) + struct.pack("<I", 0x202) + code
put("fuzz_soft_cpu", "loop_io", cpu(bytes.fromhex("b9 10 00 e4 40 e6 80 e2 fa f4".replace(" ", ""))))
put("fuzz_soft_cpu", "string_ops", cpu(bytes.fromhex("fc be 00 7c bf 00 80 b9 00 01 f3 a4 b9 08 00 f3 6c f4".replace(" ", ""))))
put("fuzz_soft_cpu", "protected", cpu(bytes.fromhex("fa 0f 01 16 00 00 0f 20 c0 0c 01 0f 22 c0 ea 00 00 08 00 f4".replace(" ", ""))))
put("fuzz_soft_cpu", "interrupts", cpu(bytes.fromhex("cd 10 cc ce 9c fa fb f4 cd 21 0f 0b".replace(" ", "")), flags=8))
put("fuzz_soft_cpu", "boot_sector", cpu(boot))
# Flat 32-bit protected mode (flags 0x10; 0x01: a 32-bit ESP) for the translator: a loop of loads, stores,
# IMUL, PUSH/POP, CMP/SETcc, MOVZX, DEC/JNZ, then CALL, a load through FS and RET.
put("fuzz_soft_cpu", "pm_flat_loop", cpu(bytes.fromhex(
    "be00000300b932000000 8b048e 01c8 89448e04 6bd803 53 5a 39c2 0f92c2 0fb63c0e 49 75e6 e801000000 f4"
    " 64a140000000 c3".replace(" ", "")), flags=0x11, ip=0x2000, sp=0x9000))
# fuzz_linux_boot: [ram MiB] [initrd KiB u16] [entry] [cmdline length] [cmdline] [bzImage]: a
# protocol 2.15 header with 4 setup sectors and an 8 KiB kernel.
def bzimage(kernel=8192, version=0x020F, sects=4):
    b = bytearray(5 * 512 + kernel)
    b[0x1F1] = sects
    struct.pack_into("<I", b, 0x1F4, kernel // 16)
    struct.pack_into("<H", b, 0x1FE, 0xAA55)
    b[0x200:0x202] = b"\xEB\x6A"
    b[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", b, 0x206, version)
    b[0x211] = 0x01
    struct.pack_into("<I", b, 0x214, 0x100000)
    struct.pack_into("<I", b, 0x22C, 0x7FFFFFFF)
    struct.pack_into("<I", b, 0x238, 2047)
    struct.pack_into("<I", b, 0x260, 0x10000)
    return bytes(b)
def linux(image, ram=32, initrd=4, entry=0, cmdline=b"console=ttyS0"):
    return bytes([ram]) + struct.pack("<H", initrd) + bytes([entry, len(cmdline)]) + cmdline + image
put("fuzz_linux_boot", "real_mode", linux(bzimage()))
put("fuzz_linux_boot", "protected32", linux(bzimage(), entry=1, initrd=0))
put("fuzz_linux_boot", "old_protocol", linux(bzimage(version=0x0201)))
put("fuzz_linux_boot", "truncated", linux(bzimage()[:3000]))

# fuzz_fat: [flags][files] sizes, then [u16 sector in the partition][512 bytes]
# writes. A new root entry on FAT16 (root directory at sector 35 of these
# tiny disks) and a FAT32 FAT sector that makes cluster 3 a loop.
entry = b"NEW     TXT" + bytes([0x20]) + bytes(14) + struct.pack("<HI", 0, 0)
put("fuzz_fat", "fat16_new_entry", bytes([2, 2, 3, 5]) + struct.pack("<H", 35) + entry.ljust(512, b"\0"))
fat = struct.pack("<IIII", 0x0FFFFFF8, 0x0FFFFFFF, 0x0FFFFFFF, 3)
put("fuzz_fat", "fat32_loop", bytes([3, 3, 1, 2, 3]) + struct.pack("<H", 32) + fat.ljust(512, b"\0"))
put("fuzz_fat", "no_writes", bytes([0, 4, 1, 2, 3, 4]))
put("fuzz_soft_cpu", "wrap", cpu(bytes.fromhex("66 31 c0 8e d8 a1 ff ff 66 a1 fd ff 8b 06 ff ff eb fe".replace(" ", "")), ip=0xFFF8, cs=0xFFFF, flags=4))

# fuzz_gdb_packet: a debugger's bytes: packets, escapes, a run length, Ctrl-C, a bad checksum.
def pkt(body):
    return b"$" + body + b"#" + b"%02x" % (sum(body) & 0xFF)
put("fuzz_gdb_packet", "session", b"+" + pkt(b"qSupported:multiprocess+;swbreak+") + b"+" + pkt(b"g") + pkt(b"m7c00,10") + b"\x03")
put("fuzz_gdb_packet", "binary", pkt(b"X7c00,4:}\x03}\x04}]}\n") + pkt(b"0* ") + b"-")
put("fuzz_gdb_packet", "bad", b"$g#00$Z0,7c00,1#zz$}#aa")
# fuzz_pci: opcode bytes (src/fuzz/fuzz_pci.cpp): enumerate bus 0 through
# CF8h/CFCh; size, place and enable device 3's BARs and touch them; route the
# PIRQs and toggle the pins; PCI BIOS calls, B10Eh with a buffer at 0000:0600.
def sel(dev, reg, fn=0):
    return bytes([0]) + struct.pack("<I", 0x80000000 | dev << 11 | fn << 8 | reg)
RD4, WR4 = bytes([0x41]), 0xC1
def wr4(v):
    return bytes([WR4]) + struct.pack("<I", v)
put("fuzz_pci", "enumerate", b"".join(sel(d, r) + RD4 for d in range(9) for r in (0, 8, 0x0C)))
bars = (sel(3, 0x10) + wr4(0xFFFFFFFF) + RD4 + wr4(0xC000) + sel(3, 0x14) + wr4(0xFFFFFFFF) + RD4 + wr4(0xF0000000)
        + sel(3, 0x04) + wr4(0x0007) + bytes([0x03]) + struct.pack("<HI", 0xC004, 0)
        + bytes([0x04]) + struct.pack("<IB", 0xF0000010, 3) + bytes([0x84]) + struct.pack("<IB", 0xF0000FFC, 7)
        + sel(7, 0x10) + wr4(0xC000) + sel(7, 0x04) + wr4(0x0001) + sel(3, 0x10) + wr4(0xC100))
put("fuzz_pci", "bars", bars)
put("fuzz_pci", "intx", bytes([0x42, 1, 0, 0x60]) + struct.pack("<I", 0x8B0B0A05) + bytes([0x85, 0, 0x85, 1, 0x85, 2, 0x05, 0])
    + sel(7, 0x04) + wr4(0x0400) + bytes([0x05, 1, 0x05, 2]))
def b1(al, bx=0, ecx=0, dx=0, si=0, di=0, es=0, hdr=b""):
    return bytes([6, al]) + struct.pack("<HIHHHH", bx, ecx, dx, si, di, es) + hdr
put("fuzz_pci", "bios", b1(0x01) + b1(0x02, ecx=0x7000, dx=0x8086) + b1(0x03, ecx=0x060100) + b1(0x0A, bx=0x18, di=0x10)
    + b1(0x0D, bx=0x18, ecx=0xFFFFFFFF, di=0x10) + b1(0x0E, di=0x600, hdr=struct.pack("<HHH", 16, 0x700, 0))
    + b1(0x0E, di=0xFFFF, es=0xFFFF, hdr=struct.pack("<HHH", 0xFFFF, 0xFFF0, 0xF000)) + b1(0x0F, bx=0x18, ecx=0x0B0A) + bytes([7]))
# fuzz_virtio: opcode bytes (src/fuzz/fuzz_virtio.cpp): a driver brings the
# device up with indirect descriptors and the event index, a queue of 8 at
# 10000h/11000h/12000h, and sends GET_ID, a read, a write, a flush, an
# indirect read and a looping chain, reading the ISR after each.
VQ = struct.pack("<HHHH", 8, 0x1000, 0x1100, 0x1200)
def vup(lo=(1 << 28) | (1 << 29) | (1 << 9) | (1 << 13), hi=1):
    return bytes([4]) + struct.pack("<II", lo, hi) + VQ
def vmem(addr, data):
    return bytes([0]) + struct.pack("<IB", addr, len(data)) + data
def vdesc(i, addr, length, flags=0, nxt=0):
    return bytes([5, i]) + struct.pack("<IIBB", addr, length, flags, nxt)
def vreq(kind, sector, data_len, write):
    return (vmem(0x20000, struct.pack("<IIQ", kind, 0, sector)) + vdesc(0, 0x20000, 16, 1, 1)
            + vdesc(1, 0x21000, data_len, 1 | (2 if write else 0), 2) + vdesc(2, 0x22000, 1, 2))
ISR = bytes([0x02]) + struct.pack("<H", 0x1000)
put("fuzz_virtio", "requests", vup() + vreq(8, 0, 20, True) + bytes([6, 0]) + ISR + vreq(0, 3, 1024, True) + bytes([6, 0]) + ISR
    + vreq(1, 5, 512, False) + bytes([6, 0]) + ISR + vmem(0x20000, struct.pack("<IIQ", 4, 0, 0)) + vdesc(0, 0x20000, 16, 1, 2)
    + bytes([6, 0]) + ISR)
table = struct.pack("<QIHH", 0x20000, 16, 1, 1) + struct.pack("<QIHH", 0x21000, 512, 3, 2) + struct.pack("<QIHH", 0x22000, 1, 2, 0)
put("fuzz_virtio", "indirect", vup() + vmem(0x20000, struct.pack("<IIQ", 0, 0, 1)) + vmem(0x30000, table)
    + vdesc(0, 0x30000, 48, 4) + bytes([6, 0]) + ISR)
put("fuzz_virtio", "loop", vup(lo=0) + vdesc(0, 0x20000, 16, 1, 0) + bytes([6, 0]) + ISR + bytes([4 | 0]) + struct.pack("<II", 0, 1) + VQ)
put("fuzz_virtio", "registers", b"".join(bytes([0x41]) + struct.pack("<HII", off, v, 0) for off, v in
    ((0x14, 1), (0x14, 3), (0x08, 1), (0x0C, 1), (0x14, 11), (0x16, 0), (0x18, 6), (0x1C, 1), (0x14, 15), (0x3000, 0)))
    + bytes([0x43, 0x84 + 4]) + struct.pack("<I", 0) + bytes([0x43, 0x84 + 12]) + struct.pack("<I", 1)
    + bytes([0x43, 0x84 + 16]) + struct.pack("<I", 0))
PY
# fuzz_jit: [mode] 8 x u32 registers, EFLAGS u32, SS DS ES FS GS (a byte each), then code.
python3 - "$c" "$guests" "$snippets" <<'PY'
import glob, os, struct, sys
c, guests, snippets = sys.argv[1], sys.argv[2], sys.argv[3]
def jit(name, code, mode, regs=(0,) * 8, sp=0x9000, eflags=0x202, segs=(0,) * 5):
    regs = list(regs); regs[4] = sp
    with open(os.path.join(c, "fuzz_jit", name), "wb") as f:
        f.write(bytes([mode]) + struct.pack("<8I", *regs) + struct.pack("<I", eflags) + bytes(segs) + code)
PM, CODE32, PAGING = 1, 2, 4
# The translator test's snippets (32-bit, flat, paged, as that test runs them), and two unpaged.
bins = sorted(glob.glob(os.path.join(snippets, "*.bin")))
if not bins:
    sys.exit("make_seeds.sh: no snippets in %s (build soft_jit_tests first)" % snippets)
for b in bins:
    code = open(b, "rb").read()
    name = os.path.basename(b)[:-4]
    jit("snippet_" + name, code, PM | CODE32 | PAGING)
    if name in ("forms", "flag_setters"):
        jit("snippet_%s_unpaged" % name, code, PM | CODE32)
# Real-mode DOS-style code: the real-mode benchmark loop (its data segments its own).
loop16 = open(os.path.join(guests, "bench_loop16.bin"), "rb").read()[:510]
jit("real_bench_loop16", loop16, 0)
# A 16-bit loop of [BX+SI+disp], [BP+DI+disp], PUSH/POP, ES: STOSW, LODSB, LOOP: in real mode
# and in a 16-bit protected-mode code segment (16-bit data segments; registers to 16 bits).
small16 = bytes.fromhex("b914008b401001c889430431c2d1e010e2505b83e33e26abac3c80720146e2e3f4")
jit("real_small16", small16, 0x10, regs=(1, 2, 3, 0x40, 0, 0x20, 0x30, 0x50), sp=0x7000, segs=(1, 2, 3, 4, 5))
jit("pm16_small16", small16, PM | 0x40 | 0x10, regs=(1, 2, 3, 0x40, 0, 0x20, 0x30, 0x50), sp=0x7000, segs=(0x20, 0x21, 0x22, 0, 0))
# 32-bit code in real mode (a CS cache left 32-bit): the flat loop of fuzz_soft_cpu's seeds.
flat = bytes.fromhex("be00300000b932000000 8b048e 01c8 89448e04 6bd803 53 5a 39c2 0f92c2 0fb63c0e 49 75e6 f4".replace(" ", ""))
jit("real_code32_loop", flat, CODE32 | 0x08)
PY
ls -l "$c"/*
