// PXI UART kernel for the vulkan backend: the three passes of the tiled
// algorithm (reduce per tile, scan over tiles, emit per tile), selected by the
// specialization constant PASS. Mirrors src/pxi/uart.h and cuda_executor.cu;
// docs/PXI.md is the specification.
#version 450

layout(local_size_x = 256) in;
layout(constant_id = 0) const uint PASS = 0;

layout(push_constant) uniform Push {
  uint n;          // ops
  uint num_tiles;  // ceil(n / TILE)
} pc;

layout(std430, set = 0, binding = 0) readonly buffer Ops { uint ops[]; };
layout(std430, set = 0, binding = 1) buffer Tiles { uint tiles[]; };  // REC words per tile
layout(std430, set = 0, binding = 2) buffer Bytes { uint bytes_out[]; };
layout(std430, set = 0, binding = 3) buffer Changes { uint changes_out[]; };  // (byte offset, divisor | lcr << 8)
layout(std430, set = 0, binding = 4) buffer Totals { uint totals[]; };

const uint WG = 256;
const uint PER = 16;
const uint TILE = WG * PER;
const uint NONE = 0xFFFFFFFFu;
const uint REC = 16;
// Tile record words. Op indices are stored +1 so that 0 means "none".
const uint R_WRITES = 0, R_INTERNAL = 1, R_FIRST = 2, R_LAST = 3, R_NOPS = 4, R_SETL = 5, R_UNK = 6, R_INVAL = 7,
           R_ERR = 8, R_BYTE_BASE = 9, R_CHANGE_BASE = 10, R_LINE_BEFORE = 11;
// Totals words.
const uint T_NOPS = 0, T_WRITES = 1, T_SETL = 2, T_UNK = 3, T_INVAL = 4, T_ERR = 5, T_ERR_CODE = 6, T_BYTES = 7,
           T_CHANGES = 8;

uint op_error(uint p) {
  uint a = p >> 24, r = p & 0xFFu, g = (p >> 8) & 0xFFu, b = (p >> 16) & 0xFFu;
  if (a == 0u) return (p & 0xFFFFFFu) != 0u ? 4u : 0u;
  if (a != 1u && a != 2u) return 1u;
  if (g == 0u) return 2u;
  if ((b & 0xC0u) != 0u) return 3u;
  if (a == 2u && r != 0u) return 4u;
  return 0u;
}
bool is_line_op(uint p) { uint a = p >> 24; return a == 1u || a == 2u; }
uint line_of(uint p) { return (p >> 8) & 0xFFFFu; }

shared uint s_a[WG];
shared uint s_b[WG];
shared uint s_tot[16];

// Inclusive scans over the workgroup (Hillis-Steele); all invocations call them.
void scan_max_a(uint lid) {
  for (uint off = 1u; off < WG; off <<= 1) {
    barrier();
    uint v = lid >= off ? s_a[lid - off] : 0u;
    barrier();
    s_a[lid] = max(s_a[lid], v);
  }
  barrier();
}
void scan_add_b(uint lid) {
  for (uint off = 1u; off < WG; off <<= 1) {
    barrier();
    uint v = lid >= off ? s_b[lid - off] : 0u;
    barrier();
    s_b[lid] += v;
  }
  barrier();
}

// One invocation's PER contiguous ops.
struct Chunk {
  uint nops, writes, setl, unk, inval, err, first, last, internal;
};
Chunk scan_chunk(uint begin) {
  Chunk c = Chunk(0u, 0u, 0u, 0u, 0u, NONE, 0u, 0u, 0u);
  uint cur = NONE;
  for (uint k = 0u; k < PER; ++k) {
    uint i = begin + k;
    if (i >= pc.n) break;
    uint p = ops[i];
    uint a = p >> 24;
    if (a == 0u) c.nops++;
    else if (a == 1u) c.writes++;
    else if (a == 2u) c.setl++;
    else c.unk++;
    uint e = op_error(p);
    if (e != 0u) {
      c.inval++;
      c.err = min(c.err, i);
    }
    if (a == 1u || a == 2u) {
      uint l = line_of(p);
      if (c.first == 0u) c.first = i + 1u;
      else if (l != cur) c.internal++;
      cur = l;
      c.last = i + 1u;
    }
  }
  return c;
}

// Does the chunk's first line op change the line, given the line op before it (+1, 0 = none)?
uint first_changes(uint first, uint prev) {
  if (first == 0u) return 0u;
  if (prev == 0u) return 1u;
  return line_of(ops[prev - 1u]) != line_of(ops[first - 1u]) ? 1u : 0u;
}

void pass_reduce() {
  uint lid = gl_LocalInvocationID.x, t = gl_WorkGroupID.x;
  if (lid < 16u) s_tot[lid] = (lid == 8u || lid == 2u) ? NONE : 0u;
  Chunk c = scan_chunk(t * TILE + lid * PER);
  s_a[lid] = c.last;
  scan_max_a(lid);
  uint prev = lid > 0u ? s_a[lid - 1u] : 0u;
  // The tile's first line op is judged in the scan pass, against earlier tiles.
  uint extra = prev != 0u ? first_changes(c.first, prev) : 0u;
  atomicAdd(s_tot[R_WRITES], c.writes);
  atomicAdd(s_tot[R_INTERNAL], c.internal + extra);
  if (c.first != 0u) atomicMin(s_tot[R_FIRST], c.first);
  atomicMax(s_tot[R_LAST], c.last);
  atomicAdd(s_tot[R_NOPS], c.nops);
  atomicAdd(s_tot[R_SETL], c.setl);
  atomicAdd(s_tot[R_UNK], c.unk);
  atomicAdd(s_tot[R_INVAL], c.inval);
  atomicMin(s_tot[R_ERR], c.err);
  barrier();
  if (lid < 12u) {
    uint v = s_tot[lid];
    if (lid == R_FIRST && v == NONE) v = 0u;
    tiles[t * REC + lid] = v;
  }
}

void pass_scan() {
  uint lid = gl_LocalInvocationID.x;
  if (lid < 16u) s_tot[lid] = lid == T_ERR ? NONE : 0u;
  barrier();
  uint carry_last = 0u, carry_bytes = 0u, carry_changes = 0u;
  uint nops = 0u, setl = 0u, unk = 0u, inval = 0u, err = NONE;
  for (uint chunk = 0u; chunk < pc.num_tiles; chunk += WG) {
    uint t = chunk + lid;
    bool valid = t < pc.num_tiles;
    uint base = t * REC;
    uint writes = valid ? tiles[base + R_WRITES] : 0u;
    uint first = valid ? tiles[base + R_FIRST] : 0u;
    uint last = valid ? tiles[base + R_LAST] : 0u;
    if (valid) {
      nops += tiles[base + R_NOPS];
      setl += tiles[base + R_SETL];
      unk += tiles[base + R_UNK];
      inval += tiles[base + R_INVAL];
      err = min(err, tiles[base + R_ERR]);
    }
    s_a[lid] = last;
    scan_max_a(lid);
    uint before = max(carry_last, lid > 0u ? s_a[lid - 1u] : 0u);
    uint cnt = valid ? tiles[base + R_INTERNAL] + first_changes(first, before) : 0u;
    s_b[lid] = cnt;
    scan_add_b(lid);
    uint change_base = carry_changes + s_b[lid] - cnt;
    uint chunk_changes = s_b[WG - 1u];
    barrier();
    s_b[lid] = writes;
    scan_add_b(lid);
    uint byte_base = carry_bytes + s_b[lid] - writes;
    if (valid) {
      tiles[base + R_BYTE_BASE] = byte_base;
      tiles[base + R_CHANGE_BASE] = change_base;
      tiles[base + R_LINE_BEFORE] = before;
    }
    carry_last = max(carry_last, s_a[WG - 1u]);
    carry_bytes += s_b[WG - 1u];
    carry_changes += chunk_changes;
    barrier();
  }
  atomicAdd(s_tot[T_NOPS], nops);
  atomicAdd(s_tot[T_SETL], setl);
  atomicAdd(s_tot[T_UNK], unk);
  atomicAdd(s_tot[T_INVAL], inval);
  atomicMin(s_tot[T_ERR], err);
  barrier();
  if (lid == 0u) {
    totals[T_NOPS] = s_tot[T_NOPS];
    totals[T_WRITES] = carry_bytes;
    totals[T_SETL] = s_tot[T_SETL];
    totals[T_UNK] = s_tot[T_UNK];
    totals[T_INVAL] = s_tot[T_INVAL];
    uint e = s_tot[T_ERR];
    totals[T_ERR] = e;
    totals[T_ERR_CODE] = e != NONE ? op_error(ops[e]) : 0u;
    totals[T_BYTES] = e != NONE ? 0u : carry_bytes;
    totals[T_CHANGES] = e != NONE ? 0u : carry_changes;
  }
}

void pass_emit() {
  if (totals[T_ERR] != NONE) return;  // rejected: the same for every invocation
  uint lid = gl_LocalInvocationID.x, t = gl_WorkGroupID.x;
  uint base = t * REC;
  uint begin = t * TILE + lid * PER;
  Chunk c = scan_chunk(begin);
  s_a[lid] = c.last;
  scan_max_a(lid);
  uint prev = lid > 0u ? s_a[lid - 1u] : 0u;
  if (prev == 0u) prev = tiles[base + R_LINE_BEFORE];
  uint cnt = c.internal + first_changes(c.first, prev);
  s_b[lid] = cnt;
  scan_add_b(lid);
  uint ch = tiles[base + R_CHANGE_BASE] + s_b[lid] - cnt;
  barrier();
  s_b[lid] = c.writes;
  scan_add_b(lid);
  uint b = tiles[base + R_BYTE_BASE] + s_b[lid] - c.writes;
  uint cur = prev == 0u ? NONE : line_of(ops[prev - 1u]);
  for (uint k = 0u; k < PER; ++k) {
    uint i = begin + k;
    if (i >= pc.n) break;
    uint p = ops[i];
    if (!is_line_op(p)) continue;
    uint l = line_of(p);
    if (l != cur) {
      changes_out[2u * ch] = b;
      changes_out[2u * ch + 1u] = l;
      ch++;
      cur = l;
    }
    if ((p >> 24) == 1u) {
      atomicOr(bytes_out[b >> 2], (p & 0xFFu) << (8u * (b & 3u)));
      b++;
    }
  }
}

void main() {
  if (PASS == 0u) pass_reduce();
  else if (PASS == 1u) pass_scan();
  else pass_emit();
}
