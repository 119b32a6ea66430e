#!/usr/bin/env python3
"""Test tool for the window and VNC tests (not product code): reads the
pictures they produce and plays a minimal VNC client (RFB 3.8, no
authentication, raw encoding), written from the RFB specification (RFC 6143).

  display_tool.py window-matches XWD PNG X Y W H
      the window at X,Y (W x H) of an xwd screenshot shows PNG, scaled
  display_tool.py rfb-matches HOST PORT PNG SECONDS
      a VNC client sees exactly PNG within SECONDS
  display_tool.py rfb-wait-text HOST PORT TEXT SECONDS FONT.psf.gz
      a VNC client sees TEXT on the text screen (read with the 8x16 font)
  display_tool.py rfb-type HOST PORT KEYS
      types KEYS as key presses and releases ({enter} and {esc} by name)
  display_tool.py png-check PNG WxH [X,Y=RRGGBB ...]
      the PNG is W x H and has those exact colours at those pixels
  display_tool.py png-ink PNG WxH MIN
      the PNG is W x H and at least MIN of its pixels differ from its most
      common colour (the background): something was drawn, text for one
  display_tool.py png-text PNG TEXT FONT.psf.gz [CELL-HEIGHT]
      the PNG of a screen of characters shows TEXT (read with the 8x16 font,
      or the font of CELL-HEIGHT lines)
  display_tool.py png-colours PNG WxH[,WxH...] MIN
      the PNG has one of those sizes and at least MIN distinct colours
  display_tool.py png-differ PNG PNG
      the two PNGs differ: in size or in at least one pixel
  display_tool.py ppm-like PNG PPM PERCENT
      the PPM (a QEMU screendump) is the PNG's size or a whole multiple of
      it, and at least PERCENT % of the distinct colours of each (the DAC's
      6 bits a channel) occur in the other: the same palette and geometry of
      an animation caught at another frame
  display_tool.py ppm-matches PNG PPM [BITS]
      the PPM (a QEMU screendump, which may double pixels across and down)
      shows the PNG pixel for pixel, comparing the top BITS bits of each
      colour channel: 6 (the default) for the DAC's colours (QEMU and pxOS
      widen 6 bits to 8 differently), 8 for direct-colour VBE modes
  display_tool.py ppm-cells PNG PPM
      the same 8x8 blocks of the two pictures hold something other than
      black (text drawn with different fonts of the same size)
  display_tool.py jpeg-size FILE
      prints the JPEG's WIDTHxHEIGHT
  display_tool.py x11-close WINDOW_ID
      asks the window on $DISPLAY to close, as a window manager's close button
      does (a WM_DELETE_WINDOW client message, from the X11 protocol spec)
Exit status 0: yes, 1: no (with a line saying why), 2: bad input.
"""
import gzip
import re
import socket
import struct
import sys
import time
import zlib


def read_png(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError(path + ': not a PNG')
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            if depth != 8 or ctype != 2:
                raise ValueError(path + ': not 8-bit RGB')
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, bpp, stride = zlib.decompress(idat), 3, w * 3
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([line[3 * x] << 16 | line[3 * x + 1] << 8 | line[3 * x + 2] for x in range(w)])
        prev = line
    return w, h, rows


def read_xwd(path):
    data = open(path, 'rb').read()
    f = struct.unpack('>25I', data[:100])
    header, width, height, order, bpp, stride, ncolors = f[0], f[4], f[5], f[7], f[11], f[12], f[19]
    step = bpp // 8
    if step not in (3, 4) or stride < step * width:
        raise ValueError(path + ': not a 24- or 32-bit true-colour picture')
    masks = f[14:17]
    pos = header + ncolors * 12
    shifts = [(m & -m).bit_length() - 1 for m in masks]

    def pixel(x, y):
        at = pos + y * stride + step * x
        v = int.from_bytes(data[at:at + step], 'little' if order == 0 else 'big')
        r, g, b = ((v & m) >> s for m, s in zip(masks, shifts))
        return r << 16 | g << 8 | b
    return width, height, pixel


def window_matches(xwd, png, x0, y0, w, h):
    """Each window row must equal a row of the picture scaled to it (nearest,
    with one row of slack either way for the renderer's rounding)."""
    pw, ph, rows = read_png(png)
    sw, sh, pixel = read_xwd(xwd)
    if x0 + w > sw or y0 + h > sh:
        return False, 'the window lies outside the screenshot'
    xs = [min(pw - 1, (2 * x + 1) * pw // (2 * w)) for x in range(w)]
    bad = 0
    for y in range(h):
        got = [pixel(x0 + x, y0 + y) for x in range(0, w, 1)]
        centre = (2 * y + 1) * ph // (2 * h)
        ok = False
        for r in (centre, centre - 1, centre + 1):
            if 0 <= r < ph:
                want = [rows[r][xs[x]] for x in range(w)]
                diff = sum(1 for a, b in zip(got, want) if a != b)
                ok = ok or diff <= w // 100  # a column or so of rounding
        bad += 0 if ok else 1
    if bad > h // 50:
        return False, '%d of %d window rows differ from the picture' % (bad, h)
    return True, 'the window shows the picture (%d of %d rows off by rounding)' % (bad, h)


class Rfb:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, port), timeout=2)
        version = self.recv(12)
        if not version.startswith(b'RFB '):
            raise ValueError('not a VNC server')
        self.s.sendall(b'RFB 003.008\n')
        n = self.recv(1)[0]
        types = self.recv(n)
        if 1 not in types:
            raise ValueError('the server wants authentication')
        self.s.sendall(b'\x01')
        if struct.unpack('>I', self.recv(4))[0] != 0:
            raise ValueError('security handshake failed')
        self.s.sendall(b'\x01')  # shared
        self.w, self.h = struct.unpack('>HH', self.recv(4))
        self.recv(16)
        self.recv(struct.unpack('>I', self.recv(4))[0])
        # 32 bpp, little-endian, true colour, red at bit 16: pixels as 0x00RRGGBB.
        self.s.sendall(struct.pack('>B3xBBBBHHHBBB3x', 0, 32, 24, 0, 1, 255, 255, 255, 16, 8, 0))
        self.s.sendall(struct.pack('>BxHi', 2, 1, 0))  # SetEncodings: raw
        self.fb = [[0] * self.w for _ in range(self.h)]

    def recv(self, n):
        out = b''
        while len(out) < n:
            chunk = self.s.recv(n - len(out))
            if not chunk:
                raise ConnectionError('the server closed the connection')
            out += chunk
        return out

    def update(self, incremental):
        self.s.sendall(struct.pack('>BBHHHH', 3, incremental, 0, 0, self.w, self.h))
        while True:
            kind = self.recv(1)[0]
            if kind == 0:
                break
            if kind == 2:  # bell
                continue
            if kind == 3:  # cut text
                self.recv(3)
                self.recv(struct.unpack('>I', self.recv(4))[0])
                continue
            raise ValueError('unexpected server message %d' % kind)
        self.recv(1)
        for _ in range(struct.unpack('>H', self.recv(2))[0]):
            x, y, w, h, enc = struct.unpack('>HHHHi', self.recv(12))
            if enc == -223:  # DesktopSize
                self.w, self.h = w, h
                self.fb = [[0] * w for _ in range(h)]
                continue
            if enc != 0:
                raise ValueError('unexpected encoding %d' % enc)
            data = self.recv(w * h * 4)
            for r in range(h):
                row = struct.unpack_from('<%dI' % w, data, r * w * 4)
                self.fb[y + r][x:x + w] = [v & 0xFFFFFF for v in row]

    def key(self, keysym, down):
        self.s.sendall(struct.pack('>BBxxI', 4, 1 if down else 0, keysym))


def font_glyphs(path, want=16):
    """ASCII character -> its `want` rows, from a PSF1 or PSF2 8x`want` font
    with a Unicode table."""
    data = gzip.open(path).read() if path.endswith('.gz') else open(path, 'rb').read()
    if data[:2] == b'\x36\x04':  # PSF1: table entries are 16-bit, FFFE starts a sequence, FFFF ends a glyph's
        header, count, size = 4, 512 if data[2] & 1 else 256, data[3]
        width, height, sep, stop, unit = 8, size, 0xFFFE, 0xFFFF, 2
    elif data[:4] == b'\x72\xb5\x4a\x86':  # PSF2: UTF-8, FE starts a sequence, FF ends
        header, flags, count, size, height, width = struct.unpack('<6I', data[8:32])
        sep, stop, unit = 0xFE, 0xFF, 1
    else:
        raise ValueError(path + ': not a PSF font')
    if height != want or width != 8:
        raise ValueError('%s: not 8x%d' % (path, want))
    glyphs, pos = {}, header + count * size
    for i in range(count):
        codes = []
        while pos < len(data):
            v = data[pos] if unit == 1 else struct.unpack_from('<H', data, pos)[0]
            if v in (sep, stop):
                break
            codes.append(v)
            pos += unit
        while pos < len(data):  # skip the sequences
            v = data[pos] if unit == 1 else struct.unpack_from('<H', data, pos)[0]
            pos += unit
            if v == stop:
                break
        text = bytes(codes).decode('utf-8', 'replace') if unit == 1 else ''.join(map(chr, codes))
        for ch in text:
            if ' ' <= ch <= '~':
                glyphs.setdefault(bytes(data[header + i * size:header + (i + 1) * size]), ch)
    return glyphs


def read_text(fb, w, h, glyphs, ch=16):
    """The text of a VGA picture of characters `ch` lines high: 9-dot cells at
    720 or 360 pixels across (the ninth column is not compared), else 8-dot
    cells. 8x8 glyphs use their top row, so the background is taken from a
    cell's last column."""
    cw = 9 if w in (360, 720) else 8
    lines = []
    for r in range(h // ch):
        line = ''
        for c in range(w // cw):
            bg = fb[r * ch][c * cw + cw - 1]  # the last column: blank in the ASCII glyphs of a VGA font
            rows = bytes(sum(0x80 >> x for x in range(8) if fb[r * ch + y][c * cw + x] != bg) for y in range(ch))
            line += glyphs.get(rows, '?')
        lines.append(line)
    return '\n'.join(lines)


def rfb_type(host, port, keys):
    names = {'enter': 0xFF0D, 'esc': 0xFF1B}
    client = Rfb(host, port)
    for token in re.findall(r'\{[a-z]+\}|.', keys):
        sym = names[token[1:-1]] if token.startswith('{') else ord(token)
        shifted = token.isupper() or token in '!@#$%^&*()_+{}|:"<>?~'
        if shifted:
            client.key(0xFFE1, True)
        client.key(sym, True)
        client.key(sym, False)
        if shifted:
            client.key(0xFFE1, False)
    time.sleep(0.2)
    client.s.close()


def rfb_until(host, port, seconds, test):
    client, deadline, incremental = Rfb(host, port), time.time() + seconds, 0
    while True:
        try:
            client.update(incremental)
            incremental = 1
        except socket.timeout:  # nothing changed for a while
            client = Rfb(host, port)
            incremental = 0
        ok, why = test(client)
        if ok or time.time() > deadline:
            return ok, why


def x11_close(window):
    """A minimal X11 client: intern two atoms, send one ClientMessage."""
    import os
    number = os.environ['DISPLAY'].split(':')[1].split('.')[0]
    s = socket.socket(socket.AF_UNIX)
    s.connect('/tmp/.X11-unix/X' + number)
    s.sendall(struct.pack('<BxHHHHxx', 0x6C, 11, 0, 0, 0))  # little-endian, no authorization

    def recv(n):
        out = b''
        while len(out) < n:
            chunk = s.recv(n - len(out))
            if not chunk:
                raise ConnectionError('the X server closed the connection')
            out += chunk
        return out
    head = recv(8)
    recv(struct.unpack_from('<H', head, 6)[0] * 4)
    if head[0] != 1:
        raise ValueError('the X server refused the connection')

    def atom(name):
        data = name.encode() + b'\0' * (-len(name) % 4)
        s.sendall(struct.pack('<BBHHxx', 16, 0, 2 + len(data) // 4, len(name)) + data)
        reply = recv(32)
        if reply[0] != 1:
            raise ValueError('InternAtom failed')
        return struct.unpack_from('<I', reply, 8)[0]
    protocols, delete = atom('WM_PROTOCOLS'), atom('WM_DELETE_WINDOW')
    event = struct.pack('<BBHII5I', 33, 32, 0, window, protocols, delete, 0, 0, 0, 0)
    s.sendall(struct.pack('<BBHII', 25, 0, 11, window, 0) + event)
    atom('WM_PROTOCOLS')  # a round trip: the event has been sent
    s.close()


def png_check(path, size, pixels):
    w, h, rows = read_png(path)
    if '%dx%d' % (w, h) != size:
        return False, '%s is %dx%d, not %s' % (path, w, h, size)
    bad = []
    for spec in pixels:
        xy, want = spec.split('=')
        x, y = map(int, xy.split(','))
        got = rows[y][x] if x < w and y < h else None
        if got != int(want, 16):
            bad.append('(%d,%d) is %s, not %s' % (x, y, 'outside' if got is None else '%06X' % got, want.upper()))
    return not bad, '%s: %dx%d, %d pixels checked%s' % (path, w, h, len(pixels), ('; ' + ', '.join(bad)) if bad else '')


def png_ink(path, size, least):
    w, h, rows = read_png(path)
    if '%dx%d' % (w, h) != size:
        return False, '%s is %dx%d, not %s' % (path, w, h, size)
    counts = {}
    for row in rows:
        for c in row:
            counts[c] = counts.get(c, 0) + 1
    background, n = max(counts.items(), key=lambda kv: kv[1])
    ink = w * h - n
    return ink >= least, '%s: %dx%d, background %06X, %d pixels of other colours (at least %d wanted)' % (
        path, w, h, background, ink, least)


def png_colours(path, sizes, least):
    w, h, rows = read_png(path)
    n = len(set(c for row in rows for c in row))
    size = '%dx%d' % (w, h)
    ok = size in sizes.split(',') and n >= least
    return ok, '%s: %s (wanted %s), %d distinct colours (wanted at least %d)' % (path, size, sizes, n, least)


def png_differ(a, b):
    wa, ha, ra = read_png(a)
    wb, hb, rb = read_png(b)
    if (wa, ha) != (wb, hb):
        return True, 'the pictures differ in size: %dx%d and %dx%d' % (wa, ha, wb, hb)
    n = sum(1 for y in range(ha) for x in range(wa) if ra[y][x] != rb[y][x])
    return n > 0, '%s and %s: %d of %d pixels differ' % (a, b, n, wa * ha)


def read_ppm(path):
    data = open(path, 'rb').read()
    fields = data.split(maxsplit=4)
    if len(fields) < 5 or fields[0] != b'P6' or fields[3] != b'255':
        raise ValueError(path + ': not an 8-bit binary PPM')
    w, h, px = int(fields[1]), int(fields[2]), fields[4]
    return w, h, [[px[3 * (y * w + x)] << 16 | px[3 * (y * w + x) + 1] << 8 | px[3 * (y * w + x) + 2]
                   for x in range(w)] for y in range(h)]


def ppm_like(png, ppm, percent):
    w, h, ours = read_png(png)
    qw, qh, theirs = read_ppm(ppm)
    if qw % w or qh % h or qw // w != qh // h:
        return False, 'the PPM is %dx%d, no whole multiple of the PNG\'s %dx%d' % (qw, qh, w, h)
    a = set(c & 0xFCFCFC for row in ours for c in row)
    b = set(c & 0xFCFCFC for row in theirs for c in row)
    shared = len(a & b)
    ok = shared * 100 >= percent * len(a) and shared * 100 >= percent * len(b)
    return ok, 'the PNG (%dx%d) has %d colours, the PPM (%dx%d) %d; %d in both (wanted %d %% of each)' % (
        w, h, len(a), qw, qh, len(b), shared, percent)


def ppm_matches(png, ppm, bits=6):
    w, h, ours = read_png(png)
    qw, qh, theirs = read_ppm(ppm)
    if qw % w or qh % h:
        return False, 'the PPM is %dx%d, no whole multiple of the PNG\'s %dx%d' % (qw, qh, w, h)
    fx, fy = qw // w, qh // h
    mask = (0xFF << (8 - bits)) & 0xFF
    mask = mask << 16 | mask << 8 | mask
    bad = [(x, y) for y in range(h) for x in range(w) if (ours[y][x] ^ theirs[y * fy][x * fx]) & mask]
    why = 'the PNG (%dx%d) and the PPM (%dx%d, pixels %dx%d), %d bits a channel: %d pixels differ' % (
        w, h, qw, qh, fx, fy, bits, len(bad))
    if bad:
        x, y = bad[0]
        why += ', the first at (%d,%d): %06X, not %06X' % (x, y, ours[y][x], theirs[y * fy][x * fx])
    return not bad, why


def ppm_cells(png, ppm):
    """Which 8x8 blocks of the picture hold anything but black, the same in
    the PNG and the PPM (pictures drawn with two different fonts)."""
    w, h, ours = read_png(png)
    qw, qh, theirs = read_ppm(ppm)
    if qw % w or qh % h:
        return False, 'the PPM is %dx%d, no whole multiple of the PNG\'s %dx%d' % (qw, qh, w, h)
    fx, fy = qw // w, qh // h
    def cells(get):
        return {(x // 8, y // 8) for y in range(h) for x in range(w) if get(x, y) >> 2 & 0x3F3F3F}
    a, b = cells(lambda x, y: ours[y][x]), cells(lambda x, y: theirs[y * fy][x * fx])
    why = 'the PNG (%dx%d): %d non-empty 8x8 cells, the PPM: %d' % (w, h, len(a), len(b))
    if a != b:
        why += '; differing: %s' % sorted(a ^ b)[:8]
    return bool(a) and a == b, why


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ''
    if cmd == 'window-matches' and len(argv) == 8:
        ok, why = window_matches(argv[2], argv[3], *map(int, argv[4:8]))
    elif cmd == 'rfb-matches' and len(argv) == 6:
        w, h, rows = read_png(argv[4])
        ok, why = rfb_until(argv[2], int(argv[3]), float(argv[5]), lambda c: (
            (c.w, c.h) == (w, h) and c.fb == rows,
            'the VNC picture (%dx%d) %s the PNG (%dx%d): %d rows differ' % (
                c.w, c.h, 'is' if c.fb == rows else 'is not', w, h, sum(a != b for a, b in zip(c.fb, rows)))))
    elif cmd == 'rfb-wait-text' and len(argv) == 7:
        glyphs = font_glyphs(argv[6])
        ok, why = rfb_until(argv[2], int(argv[3]), float(argv[5]), lambda c: (
            argv[4] in read_text(c.fb, c.w, c.h, glyphs), 'the VNC screen reads:\n' + read_text(c.fb, c.w, c.h, glyphs)))
    elif cmd == 'rfb-type' and len(argv) == 5:
        rfb_type(argv[2], int(argv[3]), argv[4])
        ok, why = True, 'typed'
    elif cmd == 'x11-close' and len(argv) == 3:
        x11_close(int(argv[2], 0))
        ok, why = True, 'asked window %s to close' % argv[2]
    elif cmd == 'png-check' and len(argv) >= 4:
        ok, why = png_check(argv[2], argv[3], argv[4:])
    elif cmd == 'png-ink' and len(argv) == 5:
        ok, why = png_ink(argv[2], argv[3], int(argv[4]))
    elif cmd == 'png-text' and len(argv) in (5, 6):  # PNG TEXT FONT [CELL-HEIGHT]
        ch = int(argv[5]) if len(argv) == 6 else 16
        w, h, rows = read_png(argv[2])
        text = read_text(rows, w, h, font_glyphs(argv[4], ch), ch)
        ok, why = argv[3] in text, 'the PNG (%dx%d) reads:\n%s' % (w, h, text)
    elif cmd == 'ppm-cells' and len(argv) == 4:
        ok, why = ppm_cells(argv[2], argv[3])
    elif cmd == 'png-colours' and len(argv) == 5 and argv[4].isdigit():
        ok, why = png_colours(argv[2], argv[3], int(argv[4]))
    elif cmd == 'png-differ' and len(argv) == 4:
        ok, why = png_differ(argv[2], argv[3])
    elif cmd == 'ppm-like' and len(argv) == 5 and argv[4].isdigit():
        ok, why = ppm_like(argv[2], argv[3], int(argv[4]))
    elif cmd == 'ppm-matches' and len(argv) in (4, 5) and (len(argv) == 4 or argv[4] in list('12345678')):
        ok, why = ppm_matches(argv[2], argv[3], int(argv[4]) if len(argv) == 5 else 6)
    elif cmd == 'jpeg-size' and len(argv) == 3:
        data = open(argv[2], 'rb').read()
        m = re.search(rb'\xff[\xc0\xc2]..\x08(..)(..)', data, re.S)
        if data[:2] != b'\xff\xd8' or not m:
            print(argv[2] + ': not a JPEG')
            return 1
        print('%dx%d' % (struct.unpack('>H', m.group(2))[0], struct.unpack('>H', m.group(1))[0]))
        return 0
    else:
        print(__doc__)
        return 2
    print(why)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
