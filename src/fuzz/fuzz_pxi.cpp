// libFuzzer target: PXI files, both forms (PNG and raw), as `pxos pxi` loads
// them. Any input must either parse or throw pxi::Error; a program that
// parses must survive a round trip through both forms unchanged and run on
// the reference executor.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "pxi/executor.h"
#include "pxi/format.h"

using namespace pxos;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void exercise(const pxi::Program& p) {
  pxi::Program raw = pxi::from_raw(pxi::to_raw(p));
  check(raw.ops == p.ops && raw.header.op_count == p.header.op_count && raw.header.width == p.header.width);
  if (p.ops.size() <= 4096) {  // PNG encoding is slow; keep each run short
    pxi::Program png = pxi::from_png(pxi::to_png(p, 1));
    check(png.ops == p.ops);
  }
  std::vector<uint8_t> bytes;
  std::vector<pxi::LineChange> changes;
  pxi::Stats s = pxi::run_reference(p.ops, &bytes, &changes);
  check(s.ops == p.ops.size());
  (void)pxi::first_op_error(p, s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  // By content (what pxi::load does), then each parser on its own: the raw
  // parser must reject PNGs and the PNG parser raw files without crashing.
  try {
    exercise(pxi::parse(in));
  } catch (const pxi::Error&) {
  }
  try {
    (void)pxi::from_raw(in);
  } catch (const pxi::Error&) {
  }
  try {
    (void)pxi::from_png(in);
  } catch (const pxi::Error&) {
  }
  try {
    (void)pxi::decode_header(in);
  } catch (const pxi::Error&) {
  }
  return 0;
}
