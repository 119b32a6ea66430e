// A host folder as a FAT hard disk (--hdd-dir): the folder is scanned once
// at start (names, sizes, times; no contents), laid out by FatLayout, and
// its sectors are made as the guest reads them, file data read from the
// host file only then. The guest's writes stay in the DiskImage's overlay;
// when the disk is writable, each flush (writes settled, a reset, the exit) writes the
// files the guest created, changed or deleted back to the folder
// (block/fat_write_back.h). A host file deleted or replaced by another
// program while the guest runs reads as zeros from then on, said once on the
// report.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "block/fat_layout.h"
#include "block/fat_write_back.h"
#include "block/sector_source.h"

namespace pxos {

class FolderDisk : public SectorSource {
 public:
  using Report = std::function<void(const std::string&)>;
  // Scans `dir`; throws DiskError when it is not a readable folder or does
  // not fit a FAT disk. Names that were left out go to `report`, a line
  // each (the first ten, then how many more).
  static std::unique_ptr<FolderDisk> open(const std::string& dir, bool writable, Report report,
                                          const FatOptions& options = {});
  ~FolderDisk() override;

  uint64_t sector_count() const override { return layout_.sector_count(); }
  bool read(uint64_t lba, std::span<uint8_t> out) override;
  bool flush(const Overlay& overlay, const std::unordered_set<uint64_t>& dirty) override;
  const FatLayout& layout() const { return layout_; }

 private:
  FolderDisk() = default;
  bool read_file(uint32_t file_id, uint64_t offset, std::span<uint8_t> out);
  bool host_file_as_scanned(uint32_t file_id);
  void after_sync();

  int root_fd_ = -1;
  FatLayout layout_;
  std::vector<std::string> files_;   // by file id: the path below the folder
  std::vector<HostStamp> stamps_;    // by file id: the host file as the guest's disk shows it
  std::vector<bool> gone_reported_;  // by file id: its vanishing was reported (once)
  std::unique_ptr<FolderWriteBack> write_back_;
  Report report_;
  int open_fd_ = -1;  // the file read last, kept open
  uint32_t open_id_ = 0;
};

}  // namespace pxos
