// Where a disk's sectors come from when they are not in an image file: a
// disk made up at start (block/fat_folder.h). DiskImage keeps the guest's
// writes to it in its overlay, and hands them to the source when it flushes.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace pxos {

class SectorSource {
 public:
  using Overlay = std::unordered_map<uint64_t, std::vector<uint8_t>>;  // sector -> 512 bytes the guest wrote

  virtual ~SectorSource() = default;
  virtual uint64_t sector_count() const = 0;
  // Sector `lba` (< sector_count()) as the source has it, into 512 bytes.
  virtual bool read(uint64_t lba, std::span<uint8_t> out) = 0;
  // The guest's writes so far (`overlay`; `dirty`: the sectors written since
  // the last flush), for a source that writes them back somewhere. True when
  // everything was written back.
  virtual bool flush(const Overlay& overlay, const std::unordered_set<uint64_t>& dirty) = 0;
};

}  // namespace pxos
