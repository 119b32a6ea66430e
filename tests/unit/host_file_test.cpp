// Host files named on a command line: inputs that are directories say so,
// outputs on this process's descriptors (/dev/stderr in a redirected log) are
// not truncated, output paths are checked before a run.
#include "host/host_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace pxos {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "pxos-host-file-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const char* name) const { return (path / name).string(); }
};

void write_text(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

std::string read_text(const std::string& path) {
  HostFile f = read_host_file(path, 1 << 20);
  return std::string(f.bytes.begin(), f.bytes.end());
}

TEST(HostFile, ReadsAFileWhole) {
  TempDir d;
  write_text(d.file("a"), "hello");
  HostFile f = read_host_file(d.file("a"), 5);
  ASSERT_TRUE(f.ok()) << f.error;
  EXPECT_EQ(std::string(f.bytes.begin(), f.bytes.end()), "hello");
}

TEST(HostFile, SaysWhyAnInputCannotBeRead) {
  TempDir d;
  HostFile dir = read_host_file(d.path.string(), 1 << 20);
  EXPECT_EQ(dir.status, HostFile::Status::IsDirectory);
  EXPECT_EQ(dir.error, d.path.string() + ": is a directory");
  HostFile missing = read_host_file(d.file("absent"), 1 << 20);
  EXPECT_EQ(missing.status, HostFile::Status::CannotOpen);
  EXPECT_NE(missing.error.find("No such file"), std::string::npos) << missing.error;
  write_text(d.file("big"), "123456");
  HostFile big = read_host_file(d.file("big"), 5);
  EXPECT_EQ(big.status, HostFile::Status::TooLarge);
  EXPECT_EQ(big.error, d.file("big") + ": larger than 5 bytes");
  EXPECT_TRUE(big.bytes.empty());
}

TEST(HostFile, OutputOnOwnDescriptorKeepsWhatIsThere) {
  // As `pxos ... 2>log` with file:/dev/stderr: the log's bytes so far stay,
  // and what the device writes follows them.
  TempDir d;
  int fd = ::open(d.file("log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "before\n", 7), 7);
  std::string why;
  std::FILE* f = open_host_output("/dev/fd/" + std::to_string(fd), false, &why);
  ASSERT_NE(f, nullptr) << why;
  std::fputs("device\n", f);
  std::fclose(f);
  ASSERT_EQ(::write(fd, "after\n", 6), 6);  // the same file offset: nothing overwritten
  ::close(fd);
  EXPECT_EQ(read_text(d.file("log")), "before\ndevice\nafter\n");
}

TEST(HostFile, OutputToARegularFileTruncatesUnlessAppending) {
  TempDir d;
  write_text(d.file("out"), "old contents\n");
  std::string why;
  std::FILE* f = open_host_output(d.file("out"), true, &why);
  ASSERT_NE(f, nullptr) << why;
  std::fputs("more\n", f);
  std::fclose(f);
  EXPECT_EQ(read_text(d.file("out")), "old contents\nmore\n");
  f = open_host_output(d.file("out"), false, &why);
  ASSERT_NE(f, nullptr) << why;
  std::fputs("new\n", f);
  std::fclose(f);
  EXPECT_EQ(read_text(d.file("out")), "new\n");
  EXPECT_EQ(open_host_output(d.path.string(), false, &why), nullptr);
  EXPECT_EQ(why, d.path.string() + ": is a directory");
}

TEST(HostFile, OutputPathIsCheckedBeforeARun) {
  TempDir d;
  EXPECT_EQ(output_path_problem(d.file("new.png")), "");
  write_text(d.file("old.png"), "x");
  EXPECT_EQ(output_path_problem(d.file("old.png")), "");
  EXPECT_EQ(output_path_problem(d.path.string()), d.path.string() + ": is a directory");
  std::string missing = d.file("no-such-dir") + "/x.png";
  EXPECT_EQ(output_path_problem(missing), missing + ": No such file or directory");
  EXPECT_NE(output_path_problem(d.file("old.png") + "/x.png"), "");  // a file as a folder
}

}  // namespace
}  // namespace pxos
