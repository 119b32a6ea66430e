#!/usr/bin/env python3
"""The GDB stub at the protocol level, with a small client of our own: Ctrl-C
stops a spinning guest, malformed packets (bad checksums, huge ones, bad
fields, unknown commands) get a NAK or an error reply and the guest lives on,
a debugger that disconnects mid-step leaves the guest running (a new one can
connect), and kill ends pxos.
On the KVM engine it also checks the engine's limits: at most 4 breakpoints
(debug registers), write watchpoints only.
    protocol.py PXOS GUEST [ENGINE]   (GUEST: guests/gdb_target.bin; ENGINE soft or kvm)"""
import os, socket, subprocess, sys, tempfile, time

pxos, guest = sys.argv[1], sys.argv[2]
engine = sys.argv[3] if len(sys.argv) > 3 else "soft"
if engine == "kvm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
    print("SKIP: /dev/kvm is not usable here")
    sys.exit(77)
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def packet(body):
    if isinstance(body, str):
        body = body.encode("latin-1")
    return b"$" + body + b"#" + b"%02x" % (sum(body) & 0xFF)


class Client:
    def __init__(self, port):
        for _ in range(300):
            try:
                self.s = socket.create_connection(("127.0.0.1", port), timeout=20)
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
        else:
            raise RuntimeError("pxos never listened")
        self.buf = b""

    def byte(self):
        while not self.buf:
            data = self.s.recv(65536)
            if not data:
                raise EOFError("connection closed")
            self.buf += data
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def ack(self):  # the next acknowledgement: '+' or '-'
        while True:
            b = self.byte()
            if b in (b"+", b"-"):
                return b

    def reply(self):
        while self.byte() != b"$":
            pass
        body = b""
        while True:
            b = self.byte()
            if b == b"#":
                break
            body += b
        self.byte(), self.byte()
        self.s.sendall(b"+")
        return body.decode("latin-1")

    def ask(self, body):
        self.s.sendall(packet(body))
        check(self.ack() == b"+", "'%s' acknowledged" % (body[:30] if isinstance(body, str) else "binary"))
        return self.reply()


def start(tmp, name):
    out = open(os.path.join(tmp, name + ".out"), "w")
    err = open(os.path.join(tmp, name + ".err"), "w")
    port = free_port()
    p = subprocess.Popen([pxos, "run", "--engine", engine, "--boot-sector", guest, "--display", "none",
                          "--timeout", "60", "--gdb", "tcp:127.0.0.1:%d" % port], stdout=out, stderr=err)
    return p, port, os.path.join(tmp, name + ".out"), os.path.join(tmp, name + ".err")


def wait_text(path, text, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        if text in open(path).read():
            return True
        time.sleep(0.05)
    return False


def eip_of(regs_hex):
    return int.from_bytes(bytes.fromhex(regs_hex[64:72]), "little")


def cs_of(regs_hex):
    return int.from_bytes(bytes.fromhex(regs_hex[80:88]), "little")


def malformed(c):
    c.s.sendall(b"$g#00")
    check(c.ack() == b"-", "a bad checksum is NAKed")
    c.s.sendall(b"$g#zz")
    check(c.ack() == b"-", "a checksum that is not hex is NAKed")
    c.s.sendall(packet("m" + "0" * 40000))
    check(c.ack() == b"-", "a packet longer than PacketSize is NAKed")
    c.s.sendall(b"\x01\x02garbage")  # noise between packets is dropped
    check(c.ask("Qfoo") == "", "an unknown command gets the empty reply")
    code = c.ask("m7c00,ffffffff")
    check(code.startswith("fa31") and len(code) % 2 == 0 and 0 < len(code) <= 16384,
          "a huge read is cut to the packet size (%d digits)" % len(code))
    check(c.ask("mc0000000,4") == "E14", "a read beyond guest RAM gets E14")
    check(c.ask("me0000000,4") == "E14", "a read of the framebuffer (not RAM) gets E14")
    check(c.ask("m100000000,4") == "E22", "an address over 32 bits gets E22")
    check(c.ask("Mf0000,1:00") == "E14", "a write to the ROM gets E14")
    check(c.ask("M7d02,2:00") == "E22", "a write with too few bytes gets E22")
    check(c.ask("mzz,4") == "E22", "a read with a bad address gets E22")
    check(c.ask("Z0,zz,1") == "E22", "a breakpoint with a bad address gets E22")
    check(c.ask("Z9,7c00,1") == "", "an unknown breakpoint type is unsupported")
    check(c.ask("Z2,7d00,0") == "E22", "a zero-length watchpoint gets E22")
    check(c.ask("p99") == "E22", "a register out of range gets E22")
    check(c.ask("P0=zz") == "E22", "a register write that is not hex gets E22")
    check(c.ask("G00") == "E22", "a short G gets E22")
    if engine == "kvm":
        for k in range(4):
            check(c.ask("Z0,%x,1" % (0x7C00 + k)) == "OK", "breakpoint %d of 4 on kvm" % (k + 1))
        check(c.ask("Z0,7c10,1") == "E01", "a fifth breakpoint on kvm gets E01")
        check(c.ask("Z3,7d00,2") == "E01", "a read watchpoint on kvm gets E01")
        check(c.ask("Z2,7d00,2000") == "E01", "a write watchpoint over 4 KiB on kvm gets E01")
        for k in range(4):
            c.ask("z0,%x,1" % (0x7C00 + k))
    check(c.ask("Z2,7d00,2") == "OK" and c.ask("z2,7d00,2") == "OK", "a write watchpoint in and out")
    xml, off = "", 0
    while True:
        r = c.ask("qXfer:features:read:target.xml:%x,100" % off)
        xml += r[1:]
        off += len(r) - 1
        if r[0] == "l" or len(r) <= 1:
            break
    check("<architecture>i8086</architecture>" in xml and "org.gnu.gdb.i386.core" in xml,
          "the target description (i8086: the guest is in real mode)")
    phys = bytes.fromhex(c.ask("qRcmd," + b"phys 7c00 4".hex())).decode()
    check("fa 31" in phys, "monitor phys reads physical memory")
    check(c.ask("qRcmd," + b"phys c0000000 10".hex()) == "E14", "monitor phys refuses addresses outside the guest")


def session_one(tmp):
    p, port, out, err = start(tmp, "one")
    c = Client(port)
    check(c.ask("?").startswith("T05"), "a new connection finds the guest stopped")
    c.s.sendall(packet("c"))
    check(c.ack() == b"+", "continue acknowledged")
    check(wait_text(out, "a??"), "the guest runs after continue")
    time.sleep(0.3)
    c.s.sendall(b"\x03")
    check(c.reply().startswith("T02"), "Ctrl-C stops the spinning guest (T02)")
    regs = c.ask("g")
    eip, cs = eip_of(regs), cs_of(regs)
    # The loop runs with interrupts on: the stop may land in the BIOS's handler of one (F000:xxxx).
    check(0x7C91 <= eip < 0x7C98 or cs == 0xF000,
          "it stopped in the spin loop or an interrupt handler it took (CS:EIP %x:%x)" % (cs, eip))
    malformed(c)
    # A debugger that disconnects in the middle of a step: the guest goes on.
    c.s.sendall(packet("vCont;s:1"))
    c.s.close()
    time.sleep(0.3)
    check(p.poll() is None, "pxos lives on after the debugger left mid-step")
    c = Client(port)
    check(c.ask("?").startswith("T"), "a second debugger connects")
    check(c.ask("M7d03,1:07") == "OK", "memory write")
    c.s.sendall(packet("c"))
    c.ack()
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
    check(p.returncode == 7, "the guest read the written byte and exited with it (status %s)" % p.returncode)


def session_kill(tmp):
    p, port, out, err = start(tmp, "kill")
    c = Client(port)
    c.ask("?")
    c.s.sendall(packet("k"))
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
    check(p.returncode == 0 and "killed" in open(err).read(), "kill ends pxos (status %s)" % p.returncode)


with tempfile.TemporaryDirectory() as tmp:
    session_one(tmp)
    session_kill(tmp)
if failures:
    print("%d failures" % len(failures))
    sys.exit(1)
print("all passed")
