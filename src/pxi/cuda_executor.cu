// The cuda backend. Each thread decodes and validates 16 consecutive ops (four
// 16-byte loads); a tile of 4096 ops is one block. Three passes, as in
// shaders/uart.comp: reduce (per-tile summary; global statistics with
// warp-aggregated atomics), scan over tiles (byte and line-change offsets, the
// line in force before each tile), emit (order-preserving compaction of WRITE
// bytes and line changes, staged in shared memory and written out coalesced).
// Batches of up to kSingleMaxOps ops run as one block in one pass instead.
//
// Submission modes:
//   copy        ops copied to device memory, results copied back;
//   zero-copy   the kernels read ops from, and write results to, pinned host memory mapped into the GPU;
//   persistent  one resident block polls a doorbell line in host-mapped memory. Up to kInlineOps ops
//               travel inside the line and one warp runs them, one op per lane, answering with a
//               self-checking block; up to kPersistentMaxOps ops the block runs in one pass; larger
//               batches take the zero-copy path.
#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <cub/block/block_scan.cuh>
#include <cuda/atomic>
#include <string>
#include <thread>

#include "pxi/bench.h"
#include "pxi/executor.h"
#include "pxi/uart.h"

namespace pxos::pxi {
namespace {

constexpr unsigned kWg = 256, kPer = 16, kTile = kWg * kPer;
constexpr uint32_t kPersistentMaxOps = 1u << 16;
constexpr unsigned kQuit = 0xFFFFFFFFu;
constexpr unsigned kSingleMaxOps = 1u << 14;  // batches run by one block in one kernel
constexpr unsigned kInlineOps = 29;           // ops that travel inside the doorbell line itself
constexpr unsigned kPollWarps = 2;            // staggered pollers of the doorbell (PXI_CUDA_POLLERS overrides, 1..8)
constexpr unsigned kPollStaggerNs = 500;      // PXI_CUDA_POLL_STAGGER_NS overrides
constexpr unsigned kNone = 0xFFFFFFFFu;

// A line op's key: (op index + 1) << 16 | its line settings; 0 = none. The
// maximum of keys is the latest line op, and it carries that op's settings, so
// no pass has to read an earlier op again.
using Key = unsigned long long;
__device__ __forceinline__ Key key_of(unsigned i, unsigned line) { return (Key(i) + 1) << 16 | line; }
__device__ __forceinline__ unsigned key_line(Key k) { return unsigned(k & 0xFFFF); }

struct TileRec {
  unsigned writes, internal, has_first, first_line;
  Key last_key, before_key;
  unsigned byte_base, change_base;
};

// Totals. err_inv holds ~index of the first invalid op (0 = none) so that a
// zeroed struct is the initial state and atomicMax finds the smallest index.
struct DevTotals {
  unsigned long long nops, writes, setl, unk, inval, bytes, changes;
  unsigned err_inv, err_code;
};

// The doorbell line (128 bytes, written by the host, polled by the kernel) and
// the answer. check guards against reading a half-written line.
struct alignas(128) Request {
  unsigned seq, n, check;
  unsigned ops[kInlineOps];
};
struct alignas(128) Response {
  unsigned done;
  unsigned pad[3];
  DevTotals tot;
};
// The answer to a batch of at most kInlineOps ops, written by one warp as 32
// 16-byte stores with no fence and no flag: the host polls word 0 for its seq and
// takes the block once the check word (word 1) matches the rest.
// Words: 0 seq, 1 check, 2 err_inv, 3 err_code, 4 nops, 5 writes, 6 set_lines,
// 7 unknown, 8 invalid, 9 bytes, 10 changes, 12..19 the bytes, 20..77 the changes.
constexpr unsigned kFastWords = 128, kFastBytes = 12, kFastChanges = 20;
struct alignas(128) FastResponse {
  unsigned w[kFastWords];
};
struct Mailbox {
  Request req;
  Response resp;
  FastResponse fast;
};

__host__ __device__ inline unsigned mix_word(unsigned w, unsigned pos) {
  unsigned h = w * 0x9E3779B1u + pos * 0x85EBCA77u + 0x165667B1u;
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 13;
  return h;
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw Error(Errc::kUsage, std::string("CUDA ") + what + ": " + cudaGetErrorString(e));
}

struct KeyMax {
  __device__ Key operator()(Key a, Key b) const { return a > b ? a : b; }
};

struct Chunk {
  unsigned nops, writes, setl, unk, inval, err, internal, has_first, first_line;
  Key last_key;
};

enum Src { kGlobal, kHost, kShared };  // where a kernel reads ops from

template <int kSrc>
__device__ __forceinline__ void load_chunk(const unsigned* ops, unsigned begin, unsigned n, unsigned (&p)[kPer]) {
  if (kSrc != kShared && begin + kPer <= n) {
    const uint4* v = reinterpret_cast<const uint4*>(ops + begin);
#pragma unroll
    for (unsigned k = 0; k < kPer / 4; ++k) {
      const uint4 q = kSrc == kHost ? __ldcv(v + k) : __ldg(v + k);
      p[4 * k] = q.x, p[4 * k + 1] = q.y, p[4 * k + 2] = q.z, p[4 * k + 3] = q.w;
    }
  } else {
#pragma unroll
    for (unsigned k = 0; k < kPer; ++k) {
      unsigned v = 0;
      if (begin + k < n)
        v = kSrc == kShared ? ops[begin + k] : kSrc == kHost ? __ldcv(ops + begin + k) : __ldg(ops + begin + k);
      p[k] = v;
    }
  }
}

__device__ Chunk summarise(const unsigned (&p)[kPer], unsigned begin, unsigned n) {
  Chunk c{0, 0, 0, 0, 0, kNone, 0, 0, 0, 0};
  unsigned cur = kNone;
#pragma unroll
  for (unsigned k = 0; k < kPer; ++k) {
    const unsigned i = begin + k;
    if (i >= n) break;
    const unsigned a = p[k] >> 24;
    c.nops += a == uart::kOpNop;
    c.writes += a == uart::kOpWrite;
    c.setl += a == uart::kOpSetLine;
    c.unk += a > uart::kOpSetLine;
    if (uart::op_error(p[k])) {
      ++c.inval;
      c.err = min(c.err, i);
    }
    if (a == uart::kOpWrite || a == uart::kOpSetLine) {
      const unsigned l = uart::line_of(p[k]);
      if (!c.has_first)
        c.has_first = 1, c.first_line = l;
      else if (l != cur)
        ++c.internal;
      cur = l;
      c.last_key = key_of(i, l);
    }
  }
  return c;
}

// Does the first line op of a chunk change the line, given the key of the line op before it?
__device__ __forceinline__ unsigned first_changes(unsigned has_first, unsigned first_line, Key prev) {
  if (!has_first) return 0;
  if (prev == 0) return 1;
  return key_line(prev) != first_line;
}

__device__ __forceinline__ void warp_add(unsigned long long* dst, unsigned v) {
  const unsigned s = __reduce_add_sync(0xFFFFFFFFu, v);
  if ((threadIdx.x & 31) == 0 && s) atomicAdd(dst, (unsigned long long)s);
}

using ScanU = cub::BlockScan<unsigned, kWg>;
using ScanK = cub::BlockScan<Key, kWg>;
union ScanStorage {
  typename ScanU::TempStorage u;
  typename ScanK::TempStorage k;
};

__global__ void __launch_bounds__(kWg) k_reduce(const unsigned* ops, unsigned n, TileRec* tiles, DevTotals* tot) {
  __shared__ ScanStorage ts;
  __shared__ unsigned s_writes, s_internal;
  __shared__ Key s_first, s_last;
  const unsigned t = blockIdx.x, tid = threadIdx.x, begin = t * kTile + tid * kPer;
  if (tid == 0) s_writes = 0, s_internal = 0, s_first = ~Key(0), s_last = 0;
  unsigned p[kPer];
  load_chunk<kGlobal>(ops, begin, n, p);
  const Chunk c = summarise(p, begin, n);
  Key prev;
  ScanK(ts.k).ExclusiveScan(c.last_key, prev, Key(0), KeyMax());
  // The tile's first line op is judged in k_scan, against earlier tiles.
  const unsigned extra = prev ? first_changes(c.has_first, c.first_line, prev) : 0u;
  // Statistics: one atomic per warp and counter.
  warp_add(&tot->nops, c.nops);
  warp_add(&tot->writes, c.writes);
  warp_add(&tot->setl, c.setl);
  warp_add(&tot->unk, c.unk);
  warp_add(&tot->inval, c.inval);
  const unsigned err_inv = __reduce_max_sync(0xFFFFFFFFu, ~c.err);
  if ((tid & 31) == 0 && err_inv) atomicMax(&tot->err_inv, err_inv);
  atomicAdd(&s_writes, c.writes);
  atomicAdd(&s_internal, c.internal + extra);
  if (c.has_first) atomicMin(&s_first, (Key(begin) << 16) | c.first_line);  // first line op: smallest chunk start
  atomicMax(&s_last, c.last_key);
  __syncthreads();
  if (tid == 0) {
    TileRec r{};
    r.writes = s_writes;
    r.internal = s_internal;
    r.has_first = s_first != ~Key(0);
    r.first_line = r.has_first ? key_line(s_first) : 0;
    r.last_key = s_last;
    tiles[t] = r;
  }
}

__global__ void __launch_bounds__(kWg) k_scan(const unsigned* ops, unsigned num_tiles, TileRec* tiles, DevTotals* tot) {
  __shared__ ScanStorage ts;
  const unsigned tid = threadIdx.x;
  Key carry_key = 0;
  unsigned carry_bytes = 0, carry_changes = 0;
  for (unsigned chunk = 0; chunk < num_tiles; chunk += kWg) {
    const unsigned t = chunk + tid;
    const bool valid = t < num_tiles;
    const TileRec r = valid ? tiles[t] : TileRec{};
    Key prev, agg;
    ScanK(ts.k).ExclusiveScan(r.last_key, prev, Key(0), KeyMax(), agg);
    __syncthreads();
    const Key before = carry_key > prev ? carry_key : prev;
    const unsigned cnt = valid ? r.internal + first_changes(r.has_first, r.first_line, before) : 0u;
    unsigned cb, chunk_changes;
    ScanU(ts.u).ExclusiveSum(cnt, cb, chunk_changes);
    __syncthreads();
    unsigned bb, chunk_bytes;
    ScanU(ts.u).ExclusiveSum(r.writes, bb, chunk_bytes);
    __syncthreads();
    if (valid) {
      tiles[t].byte_base = carry_bytes + bb;
      tiles[t].change_base = carry_changes + cb;
      tiles[t].before_key = before;
    }
    if (agg > carry_key) carry_key = agg;
    carry_bytes += chunk_bytes;
    carry_changes += chunk_changes;
  }
  if (tid == 0) {
    const bool bad = tot->err_inv != 0;
    tot->bytes = bad ? 0 : carry_bytes;
    tot->changes = bad ? 0 : carry_changes;
    tot->err_code = bad ? uart::op_error(ops[~tot->err_inv]) : 0;
  }
}

// Emits one tile (kWg threads): bytes and line changes staged in shared memory,
// then written out contiguously. before: key of the line op before the tile.
template <int kSrc>
__device__ void emit_tile(const unsigned* ops, unsigned n, unsigned tile_begin, Key before, unsigned byte_base,
                          unsigned change_base, unsigned char* bytes, LineChange* changes, ScanStorage& ts,
                          unsigned char* s_bytes, uint2* s_changes, unsigned* out_bytes, unsigned* out_changes,
                          Key* out_last, Chunk* out_chunk) {
  const unsigned tid = threadIdx.x, begin = tile_begin + tid * kPer;
  unsigned p[kPer];
  load_chunk<kSrc>(ops, begin, n, p);
  const Chunk c = summarise(p, begin, n);
  Key prev, last_agg;
  ScanK(ts.k).ExclusiveScan(c.last_key, prev, Key(0), KeyMax(), last_agg);
  __syncthreads();
  if (prev == 0) prev = before;
  const unsigned cnt = c.internal + first_changes(c.has_first, c.first_line, prev);
  unsigned cl, tile_changes;
  ScanU(ts.u).ExclusiveSum(cnt, cl, tile_changes);
  __syncthreads();
  unsigned bl, tile_bytes;
  ScanU(ts.u).ExclusiveSum(c.writes, bl, tile_bytes);
  unsigned cur = prev ? key_line(prev) : kNone;
#pragma unroll
  for (unsigned k = 0; k < kPer; ++k) {
    if (begin + k >= n) break;
    const unsigned a = p[k] >> 24;
    if (a != uart::kOpWrite && a != uart::kOpSetLine) continue;
    const unsigned l = uart::line_of(p[k]);
    if (l != cur) {
      s_changes[cl++] = make_uint2(byte_base + bl, l);
      cur = l;
    }
    if (a == uart::kOpWrite) s_bytes[bl++] = (unsigned char)(p[k] & 0xFF);
  }
  __syncthreads();
  for (unsigned i = tid; i < tile_bytes; i += kWg) bytes[byte_base + i] = s_bytes[i];
  uint2* ch = reinterpret_cast<uint2*>(changes);
  for (unsigned i = tid; i < tile_changes; i += kWg) ch[change_base + i] = s_changes[i];
  if (out_bytes) {
    *out_bytes = tile_bytes;
    *out_changes = tile_changes;
    *out_last = last_agg > before ? last_agg : before;
    *out_chunk = c;
  }
  __syncthreads();
}

__global__ void __launch_bounds__(kWg) k_emit(const unsigned* ops, unsigned n, const TileRec* tiles,
                                              const DevTotals* tot, unsigned char* bytes, LineChange* changes) {
  __shared__ ScanStorage ts;
  __shared__ unsigned char s_bytes[kTile];
  __shared__ uint2 s_changes[kTile];
  if (tot->err_inv) return;  // rejected: no output
  const TileRec r = tiles[blockIdx.x];
  emit_tile<kGlobal>(ops, n, blockIdx.x * kTile, r.before_key, r.byte_base, r.change_base, bytes, changes, ts, s_bytes,
                     s_changes, nullptr, nullptr, nullptr, nullptr);
}

__device__ unsigned block_sum(unsigned v, unsigned* s) {
  if (threadIdx.x == 0) *s = 0;
  __syncthreads();
  const unsigned w = __reduce_add_sync(0xFFFFFFFFu, v);
  if ((threadIdx.x & 31) == 0) atomicAdd(s, w);
  __syncthreads();
  const unsigned r = *s;
  __syncthreads();
  return r;
}

// One block runs a whole batch in a single pass over its tiles, in order,
// carrying the offsets and the line in force from tile to tile; thread 0 writes
// the totals (plain stores: out may be host-mapped memory). Used for small
// batches (k_single) and by the persistent kernel.
struct PassShared {
  ScanStorage ts;
  unsigned char bytes[kTile];
  uint2 changes[kTile];
  unsigned tile_bytes, tile_changes, red;
  Key last;
};

template <int kSrc>
__device__ void single_pass(const unsigned* ops, unsigned n, unsigned char* bytes, LineChange* changes, DevTotals* out,
                            PassShared& sh) {
  Key carry_key = 0;
  unsigned carry_bytes = 0, carry_changes = 0;
  unsigned nops = 0, writes = 0, setl = 0, unk = 0, inval = 0, err = kNone;
  for (unsigned tb = 0; tb < n; tb += kTile) {
    Chunk c;
    emit_tile<kSrc>(ops, n, tb, carry_key, carry_bytes, carry_changes, bytes, changes, sh.ts, sh.bytes, sh.changes,
                    &sh.tile_bytes, &sh.tile_changes, &sh.last, &c);
    nops += c.nops, writes += c.writes, setl += c.setl, unk += c.unk, inval += c.inval;
    err = min(err, c.err);
    carry_bytes += sh.tile_bytes;
    carry_changes += sh.tile_changes;
    carry_key = sh.last;
    __syncthreads();
  }
  nops = block_sum(nops, &sh.red);
  writes = block_sum(writes, &sh.red);
  setl = block_sum(setl, &sh.red);
  unk = block_sum(unk, &sh.red);
  inval = block_sum(inval, &sh.red);
  if (threadIdx.x == 0) sh.red = kNone;
  __syncthreads();
  atomicMin(&sh.red, err);
  __syncthreads();
  err = sh.red;
  if (threadIdx.x == 0) {
    volatile DevTotals* t = out;
    t->nops = nops, t->writes = writes, t->setl = setl, t->unk = unk, t->inval = inval;
    if (err != kNone) {
      const unsigned bad = kSrc == kShared ? ops[err] : kSrc == kHost ? __ldcv(ops + err) : __ldg(ops + err);
      t->err_inv = ~err, t->err_code = uart::op_error(bad), t->bytes = 0, t->changes = 0;
    } else {
      t->err_inv = 0, t->err_code = 0, t->bytes = carry_bytes, t->changes = carry_changes;
    }
  }
  __syncthreads();
}

template <int kSrc>
__global__ void __launch_bounds__(kWg, 1)
    k_single(const unsigned* ops, unsigned n, unsigned char* bytes, LineChange* changes, DevTotals* out) {
  __shared__ PassShared sh;
  single_pass<kSrc>(ops, n, bytes, changes, out, sh);
}

// A batch of n <= kInlineOps ops, run by one warp: lane i decodes and validates
// op i; ballots and population counts give the statistics, the compaction
// offsets and the line op before each op.
__device__ void warp_inline(const unsigned* req_ops, unsigned n, unsigned seq, FastResponse* out, unsigned* s_resp) {
  const unsigned lane = threadIdx.x & 31, full = 0xFFFFFFFFu, below = (1u << lane) - 1;
  const bool here = lane < n;
  const unsigned p = here ? req_ops[lane] : 0u, a = p >> 24, err = here ? uart::op_error(p) : 0u;
  const bool is_write = here && a == uart::kOpWrite, is_line = here && (a == uart::kOpWrite || a == uart::kOpSetLine);
  const unsigned line = uart::line_of(p);
  const unsigned line_mask = __ballot_sync(full, is_line), write_mask = __ballot_sync(full, is_write);
  const unsigned err_mask = __ballot_sync(full, err != 0);
  const unsigned before = line_mask & below;
  const int prev = before ? 31 - __clz(before) : -1;
  const unsigned prev_line = __shfl_sync(full, line, prev < 0 ? 0 : prev);
  const bool change = is_line && (prev < 0 || prev_line != line);
  const unsigned change_mask = __ballot_sync(full, change);
  const unsigned first_err = err_mask ? __ffs(err_mask) - 1 : 0;
  const unsigned err_code = __shfl_sync(full, err, first_err);
  const unsigned nops = __popc(__ballot_sync(full, here && a == uart::kOpNop));
  const unsigned setl = __popc(__ballot_sync(full, here && a == uart::kOpSetLine));
  const unsigned unk = __popc(__ballot_sync(full, here && a > uart::kOpSetLine));
  for (unsigned j = lane; j < kFastWords; j += 32) s_resp[j] = 0;
  __syncwarp();
  const unsigned b = __popc(write_mask & below), c = __popc(change_mask & below);
  if (!err_mask) {
    if (is_write) reinterpret_cast<unsigned char*>(s_resp + kFastBytes)[b] = (unsigned char)(p & 0xFF);
    if (change) {
      s_resp[kFastChanges + 2 * c] = b;
      s_resp[kFastChanges + 2 * c + 1] = line;
    }
  }
  if (lane == 0) {
    s_resp[0] = seq;
    s_resp[2] = err_mask ? ~first_err : 0u;
    s_resp[3] = err_mask ? err_code : 0u;
    s_resp[4] = nops;
    s_resp[5] = __popc(write_mask);
    s_resp[6] = setl;
    s_resp[7] = unk;
    s_resp[8] = __popc(err_mask);
    s_resp[9] = err_mask ? 0u : __popc(write_mask);
    s_resp[10] = err_mask ? 0u : __popc(change_mask);
  }
  __syncwarp();
  // Only the words in use travel (one 128-byte line for a one-op batch); the check covers them.
  const unsigned used = kFastChanges + 2 * (err_mask ? 0u : __popc(change_mask));
  uint4 v = reinterpret_cast<const uint4*>(s_resp)[lane];
  const unsigned w0 = 4 * lane;
  unsigned h = 0;
  if (w0 < used) h ^= mix_word(v.x, w0);
  if (lane && w0 + 1 < used) h ^= mix_word(v.y, w0 + 1);
  if (w0 + 2 < used) h ^= mix_word(v.z, w0 + 2);
  if (w0 + 3 < used) h ^= mix_word(v.w, w0 + 3);
  h = __reduce_xor_sync(full, h);
  if (lane == 0) v.y = h;
  if (w0 < used) reinterpret_cast<uint4*>(out->w)[lane] = v;
}

// The persistent kernel: one block. kPollWarps warps poll the doorbell line
// (staggered, so a new request is seen sooner than one read round trip after it
// lands); small batches travel inside the line. Each batch is one pass over its
// tiles in order, carrying the offsets and the line in force from tile to tile.
__global__ void __launch_bounds__(kWg, 1) k_persistent(Mailbox* mb, const unsigned* ops, unsigned char* bytes,
                                                       LineChange* changes, unsigned pollers, unsigned stagger_ns) {
  __shared__ PassShared sh;
  __shared__ unsigned s_req[32];
  __shared__ unsigned s_found;
  __shared__ __align__(16) unsigned s_resp[kFastWords];
  cuda::atomic_ref<unsigned, cuda::thread_scope_system> done_ref(mb->resp.done);
  const unsigned warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  unsigned last_seq = 0;
  for (;;) {
    if (threadIdx.x == 0) s_found = 0;
    __syncthreads();
    if (warp < pollers) {
      if (warp) __nanosleep(warp * stagger_ns);
      const uint4* line = reinterpret_cast<const uint4*>(&mb->req);
      for (;;) {
        if (*static_cast<volatile unsigned*>(&s_found)) break;
        const uint4 v = lane < 8 ? __ldcv(line + lane) : make_uint4(0, 0, 0, 0);
        // Lane j takes word j of the line.
        const unsigned src = lane >> 2, comp = lane & 3;
        const unsigned x = __shfl_sync(0xFFFFFFFFu, v.x, src), y = __shfl_sync(0xFFFFFFFFu, v.y, src),
                       z = __shfl_sync(0xFFFFFFFFu, v.z, src), w4 = __shfl_sync(0xFFFFFFFFu, v.w, src);
        const unsigned word = comp == 0 ? x : comp == 1 ? y : comp == 2 ? z : w4;
        const unsigned seq = __shfl_sync(0xFFFFFFFFu, word, 0), n = __shfl_sync(0xFFFFFFFFu, word, 1),
                       chk = __shfl_sync(0xFFFFFFFFu, word, 2);
        bool take = false;
        if (seq != last_seq) {
          if (seq == kQuit) {
            take = true;
          } else {
            const unsigned k = n <= kInlineOps ? n : 0;
            unsigned h = lane == 0 ? mix_word(seq, 0) : lane == 1 ? mix_word(n, 1) : 0;
            if (lane >= 3 && lane - 3 < k) h = mix_word(word, lane);
            take = __reduce_xor_sync(0xFFFFFFFFu, h) == chk;
          }
        }
        if (take) {
          unsigned won = 0;
          if (lane == 0) won = atomicCAS(&s_found, 0u, 1u) == 0u;
          if (__shfl_sync(0xFFFFFFFFu, won, 0)) {
            s_req[lane] = word;
            __syncwarp();
            // A small batch is run by the warp that found it, at once.
            if (seq != kQuit && n <= kInlineOps) warp_inline(s_req + 3, n, seq, &mb->fast, s_resp);
          }
          break;
        }
      }
    }
    __syncthreads();
    const unsigned seq = s_req[0];
    if (seq == kQuit) return;
    const unsigned n = s_req[1];
    if (n <= kInlineOps) {  // already answered by the polling warp
      last_seq = seq;
      __syncthreads();
      continue;
    }
    single_pass<kHost>(ops, n, bytes, changes, &mb->resp.tot, sh);
    if (threadIdx.x == 0) {
      __threadfence_system();
      done_ref.store(seq, cuda::memory_order_release);
    }
    last_seq = seq;
    __syncthreads();
  }
}

__global__ void k_empty() {}

template <class T>
struct Pinned {
  T* p = nullptr;
  size_t n = 0;
  void reset(size_t count) {
    if (p) cudaFreeHost(p);
    p = nullptr;
    n = 0;
    check(cudaHostAlloc(reinterpret_cast<void**>(&p), std::max<size_t>(count, 1) * sizeof(T),
                        cudaHostAllocMapped | cudaHostAllocPortable),
          "cudaHostAlloc");
    n = count;
  }
  ~Pinned() {
    if (p) cudaFreeHost(p);
  }
};
template <class T>
struct Device {
  T* p = nullptr;
  void reset(size_t count) {
    if (p) cudaFree(p);
    p = nullptr;
    check(cudaMalloc(reinterpret_cast<void**>(&p), std::max<size_t>(count, 1) * sizeof(T)), "cudaMalloc");
  }
  ~Device() {
    if (p) cudaFree(p);
  }
};

Stats to_stats(const DevTotals& t, size_t n) {
  Stats s;
  s.ops = n;
  s.nops = t.nops;
  s.writes = t.writes;
  s.set_lines = t.setl;
  s.unknown = t.unk;
  s.invalid = t.inval;
  if (t.err_inv) {
    s.first_error_op = ~t.err_inv;
    s.first_error_code = t.err_code;
  } else {
    s.bytes_out = t.bytes;
    s.line_changes = t.changes;
  }
  return s;
}

class CudaExecutor final : public Executor {
 public:
  explicit CudaExecutor(CudaMode mode) : mode_(mode) {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e == cudaErrorNoDevice || (e == cudaSuccess && count == 0)) throw Error(Errc::kUsage, "no CUDA device");
    if (e == cudaErrorInsufficientDriver)
      throw Error(Errc::kUsage, "no usable NVIDIA driver (none is installed, or it is older than this CUDA runtime)");
    check(e, "cudaGetDeviceCount");
    int dev = 0;
    cudaDeviceProp prop{};
    check(cudaGetDevice(&dev), "cudaGetDevice");
    check(cudaGetDeviceProperties(&prop, dev), "cudaGetDeviceProperties");
    device_ = std::string(prop.name) + ", compute capability " + std::to_string(prop.major) + "." +
              std::to_string(prop.minor);
    // Mapped pinned memory is on by default with unified addressing; setting the flag
    // again on an active context may be refused, which is harmless.
    if (cudaSetDeviceFlags(cudaDeviceMapHost) != cudaSuccess) (void)cudaGetLastError();
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    h_tot_.reset(1);
    d_tot_.reset(1);
    grow(kTile);
    if (mode_ == CudaMode::kPersistent) {
      mb_.reset(1);
      check(cudaStreamCreateWithFlags(&pstream_, cudaStreamNonBlocking), "cudaStreamCreate");
      start_persistent();
    }
  }
  ~CudaExecutor() override {
    if (mb_.p) {
      try {
        stop_persistent();
      } catch (const Error&) {
      }
      cudaStreamDestroy(pstream_);
    }
    cudaStreamDestroy(stream_);
  }

  std::string name() const override {
    switch (mode_) {
      case CudaMode::kCopy:
        return "cuda-copy";
      case CudaMode::kZeroCopy:
        return "cuda-zerocopy";
      default:
        return "cuda-persistent";
    }
  }

  std::string device() const override { return device_; }
  bool on_cpu() const override { return false; }

  std::span<Pixel> input(size_t n) override {
    if (n > kMaxOps) throw Error(Errc::kTooLarge, "batch larger than " + std::to_string(kMaxOps) + " ops");
    grow(n);
    return {h_ops_.p, n};
  }

  ExecResult run(std::span<const Pixel> ops) override {
    if (ops.size() > kMaxOps) throw Error(Errc::kTooLarge, "batch larger than " + std::to_string(kMaxOps) + " ops");
    ExecResult r;
    r.stats.ops = ops.size();
    if (ops.empty()) return r;
    const unsigned n = unsigned(ops.size());
    const bool staged = ops.data() == h_ops_.p;
    grow(n);  // no-op when staged
    if (mode_ == CudaMode::kPersistent && n <= kPersistentMaxOps) {
      r.stats = run_persistent(ops, n);
    } else if (mode_ == CudaMode::kCopy) {
      r.stats = run_copy(ops, n);
    } else {
      if (!staged) std::memcpy(h_ops_.p, ops.data(), size_t(n) * 4);
      r.stats = run_zero_copy(n);
    }
    r.bytes = {h_bytes_.p, size_t(r.stats.bytes_out)};
    r.changes = {h_changes_.p, size_t(r.stats.line_changes)};
    return r;
  }

 private:
  void start_persistent() {
    std::memset(static_cast<void*>(mb_.p), 0, sizeof(Mailbox));
    seq_ = 0;
    unsigned pollers = kPollWarps, stagger = kPollStaggerNs;
    if (const char* e = std::getenv("PXI_CUDA_POLLERS")) pollers = std::clamp(unsigned(std::atoi(e)), 1u, kWg / 32);
    if (const char* e = std::getenv("PXI_CUDA_POLL_STAGGER_NS")) stagger = unsigned(std::atoi(e));
    k_persistent<<<1, kWg, 0, pstream_>>>(mb_.p, h_ops_.p, h_bytes_.p, h_changes_.p, pollers, stagger);
    check(cudaGetLastError(), "persistent kernel launch");
    running_ = true;
  }
  void stop_persistent() {
    if (!running_) return;
    std::atomic_ref<unsigned>(mb_.p->req.seq).store(kQuit, std::memory_order_release);
    running_ = false;
    // Bounded wait: a kernel that never sees the doorbell must not hang the host.
    const auto t0 = std::chrono::steady_clock::now();
    cudaError_t e;
    while ((e = cudaStreamQuery(pstream_)) == cudaErrorNotReady) {
      if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(10))
        throw Error(Errc::kUsage, "CUDA persistent kernel did not stop within 10 s");
      std::this_thread::yield();
    }
    check(e, "persistent kernel stop");
  }

  void grow(size_t n) {
    if (n <= cap_) return;
    // cudaFree/cudaFreeHost wait for all device work: the resident kernel must stop first.
    const bool restart = running_;
    stop_persistent();
    size_t cap = kTile;
    while (cap < n) cap *= 2;
    const size_t tiles = cap / kTile;
    // Staged input survives a grow only when it fits; callers refill after input().
    h_ops_.reset(cap);
    h_bytes_.reset(cap);
    h_changes_.reset(cap);
    d_tiles_.reset(tiles);
    if (mode_ == CudaMode::kCopy) {
      d_ops_.reset(cap);
      d_bytes_.reset(cap);
      d_changes_.reset(cap);
    }
    cap_ = cap;
    if (restart) start_persistent();
  }

  void launch(const unsigned* ops, unsigned n, unsigned char* bytes, LineChange* changes) {
    const unsigned tiles = (n + kTile - 1) / kTile;
    check(cudaMemsetAsync(d_tot_.p, 0, sizeof(DevTotals), stream_), "cudaMemsetAsync");
    k_reduce<<<tiles, kWg, 0, stream_>>>(ops, n, d_tiles_.p, d_tot_.p);
    k_scan<<<1, kWg, 0, stream_>>>(ops, tiles, d_tiles_.p, d_tot_.p);
    k_emit<<<tiles, kWg, 0, stream_>>>(ops, n, d_tiles_.p, d_tot_.p, bytes, changes);
    check(cudaGetLastError(), "kernel launch");
    check(cudaMemcpyAsync(h_tot_.p, d_tot_.p, sizeof(DevTotals), cudaMemcpyDeviceToHost, stream_), "cudaMemcpyAsync");
  }

  Stats run_copy(std::span<const Pixel> ops, unsigned n) {
    check(cudaMemcpyAsync(d_ops_.p, ops.data(), size_t(n) * 4, cudaMemcpyHostToDevice, stream_), "H2D copy");
    if (n <= kSingleMaxOps) {
      // One block, one kernel; the outputs (at most n of each) come back in the same submission.
      k_single<kGlobal><<<1, kWg, 0, stream_>>>(d_ops_.p, n, d_bytes_.p, d_changes_.p, d_tot_.p);
      check(cudaGetLastError(), "kernel launch");
      check(cudaMemcpyAsync(h_tot_.p, d_tot_.p, sizeof(DevTotals), cudaMemcpyDeviceToHost, stream_), "D2H copy");
      check(cudaMemcpyAsync(h_bytes_.p, d_bytes_.p, n, cudaMemcpyDeviceToHost, stream_), "D2H copy");
      check(
          cudaMemcpyAsync(h_changes_.p, d_changes_.p, size_t(n) * sizeof(LineChange), cudaMemcpyDeviceToHost, stream_),
          "D2H copy");
      check(cudaStreamSynchronize(stream_), "kernel");
      return to_stats(*h_tot_.p, n);
    }
    launch(d_ops_.p, n, d_bytes_.p, d_changes_.p);
    check(cudaStreamSynchronize(stream_), "kernels");
    const Stats s = to_stats(*h_tot_.p, n);
    if (s.bytes_out)
      check(cudaMemcpyAsync(h_bytes_.p, d_bytes_.p, s.bytes_out, cudaMemcpyDeviceToHost, stream_), "D2H copy");
    if (s.line_changes)
      check(cudaMemcpyAsync(h_changes_.p, d_changes_.p, s.line_changes * sizeof(LineChange), cudaMemcpyDeviceToHost,
                            stream_),
            "D2H copy");
    if (s.bytes_out || s.line_changes) check(cudaStreamSynchronize(stream_), "D2H copy");
    return s;
  }

  Stats run_zero_copy(unsigned n) {
    if (n <= kSingleMaxOps) {
      k_single<kHost><<<1, kWg, 0, stream_>>>(h_ops_.p, n, h_bytes_.p, h_changes_.p, h_tot_.p);
      check(cudaGetLastError(), "kernel launch");
      check(cudaStreamSynchronize(stream_), "kernel");
      return to_stats(*h_tot_.p, n);
    }
    launch(h_ops_.p, n, h_bytes_.p, h_changes_.p);  // mapped pinned memory: UVA pointers work in kernels
    check(cudaStreamSynchronize(stream_), "kernels");
    return to_stats(*h_tot_.p, n);
  }

  template <class Alive>
  Stats take_fast(unsigned seq, unsigned n, Alive& alive) {
    std::atomic_ref<unsigned> first(mb_.p->fast.w[0]);
    unsigned w[kFastWords];
    for (;;) {
      if (first.load(std::memory_order_acquire) == seq) {
        std::memcpy(w, const_cast<const unsigned*>(mb_.p->fast.w), sizeof w);
        if (w[10] <= kInlineOps) {
          const unsigned used = kFastChanges + 2 * w[10];
          unsigned h = 0;
          for (unsigned j = 0; j < used; ++j)
            if (j != 1) h ^= mix_word(w[j], j);
          if (w[0] == seq && h == w[1]) break;
        }
      }
      alive();
    }
    DevTotals t{};
    t.err_inv = w[2], t.err_code = w[3], t.nops = w[4], t.writes = w[5], t.setl = w[6], t.unk = w[7], t.inval = w[8];
    t.bytes = w[9], t.changes = w[10];
    const Stats s = to_stats(t, n);
    std::memcpy(h_bytes_.p, &w[kFastBytes], s.bytes_out);
    for (size_t i = 0; i < s.line_changes; ++i)
      h_changes_.p[i] = LineChange{w[kFastChanges + 2 * i], uint8_t(w[kFastChanges + 2 * i + 1]),
                                   uint8_t(w[kFastChanges + 2 * i + 1] >> 8), 0};
    return s;
  }

  Stats run_persistent(std::span<const Pixel> ops, unsigned n) {
    Request& rq = mb_.p->req;
    const unsigned seq = ++seq_ == kQuit ? ++seq_ : seq_;
    const unsigned k = n <= kInlineOps ? n : 0;
    unsigned chk = mix_word(seq, 0) ^ mix_word(n, 1);
    for (unsigned i = 0; i < k; ++i) {
      rq.ops[i] = ops[i];
      chk ^= mix_word(ops[i], 3 + i);
    }
    if (!k && ops.data() != h_ops_.p) std::memcpy(h_ops_.p, ops.data(), size_t(n) * 4);
    rq.n = n;
    rq.check = chk;
    std::atomic_ref<unsigned>(rq.seq).store(seq, std::memory_order_release);  // the doorbell
    const auto t0 = std::chrono::steady_clock::now();
    unsigned spins = 0;
    auto alive = [&] {
      if (++spins % 4096 != 0) return;
      if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(20))
        throw Error(Errc::kUsage, "CUDA persistent kernel did not answer the doorbell in 20 s");
      const cudaError_t e = cudaStreamQuery(pstream_);
      if (e != cudaErrorNotReady) check(e == cudaSuccess ? cudaErrorLaunchFailure : e, "persistent kernel");
    };
    if (k) return take_fast(seq, n, alive);
    std::atomic_ref<unsigned> done(mb_.p->resp.done);
    while (done.load(std::memory_order_acquire) != seq) alive();
    DevTotals t;
    std::memcpy(&t, const_cast<const DevTotals*>(&mb_.p->resp.tot), sizeof t);
    return to_stats(t, n);
  }

  CudaMode mode_;
  std::string device_;
  cudaStream_t stream_ = nullptr, pstream_ = nullptr;
  size_t cap_ = 0;
  Pinned<Pixel> h_ops_;
  Pinned<uint8_t> h_bytes_;
  Pinned<LineChange> h_changes_;
  Pinned<DevTotals> h_tot_;
  Pinned<Mailbox> mb_;
  Device<unsigned> d_ops_;
  Device<unsigned char> d_bytes_;
  Device<LineChange> d_changes_;
  Device<TileRec> d_tiles_;
  Device<DevTotals> d_tot_;
  unsigned seq_ = 0;
  bool running_ = false;
};

}  // namespace

std::unique_ptr<Executor> make_cuda_executor(CudaMode mode, std::string* why) {
  try {
    return std::make_unique<CudaExecutor>(mode);
  } catch (const Error& e) {
    *why = e.what();
    return nullptr;
  }
}

bool cuda_baseline_h2d(size_t bytes, int iters, std::vector<double>* seconds, std::string* why) {
  try {
    int count = 0;
    check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
    Pinned<unsigned char> h;
    Device<unsigned char> d;
    h.reset(bytes);
    d.reset(bytes);
    std::memset(h.p, 1, bytes);
    cudaStream_t s;
    check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");
    for (int i = 0; i < iters; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      check(cudaMemcpyAsync(d.p, h.p, bytes, cudaMemcpyHostToDevice, s), "H2D copy");
      check(cudaStreamSynchronize(s), "H2D copy");
      seconds->push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    cudaStreamDestroy(s);
    return true;
  } catch (const Error& e) {
    *why = e.what();
    return false;
  }
}

bool cuda_baseline_launch(int iters, std::vector<double>* seconds, std::string* why) {
  try {
    int count = 0;
    check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
    cudaStream_t s;
    check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");
    for (int i = 0; i < iters + 10; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      k_empty<<<1, 1, 0, s>>>();
      check(cudaStreamSynchronize(s), "empty kernel");
      if (i >= 10) seconds->push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    cudaStreamDestroy(s);
    return true;
  } catch (const Error& e) {
    *why = e.what();
    return false;
  }
}

}  // namespace pxos::pxi
