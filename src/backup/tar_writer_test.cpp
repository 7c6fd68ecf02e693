#include "backup/tar_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/random.hpp"

namespace citadel::backup {
namespace {

std::string MakeTar(std::int64_t mtime) {
  StringSink out;
  TarWriter tar(out, mtime);
  EXPECT_TRUE(tar.BeginEntry("database.dump", 3000));
  EXPECT_TRUE(tar.Write(std::string(1000, 'a')));
  EXPECT_TRUE(tar.Write(std::string(2000, 'b')));
  EXPECT_TRUE(tar.EndEntry());
  EXPECT_TRUE(tar.BeginEntry("filestore/ab/" + std::string(64, 'c'), 5));
  EXPECT_TRUE(tar.Write("hello"));
  EXPECT_TRUE(tar.EndEntry());
  EXPECT_TRUE(tar.Close());
  EXPECT_TRUE(out.closed());
  return out.data();
}

TEST(TarWriter, AnyTarReadsItAndTheBytesAreTheSameEveryTime) {
  std::string tar = MakeTar(1'796'000'000);
  EXPECT_EQ(tar, MakeTar(1'796'000'000));
  EXPECT_EQ(tar.size() % 512, 0u);
  std::string dir = std::filesystem::temp_directory_path().string() + "/citadel-tar-" + core::RandomHex(6);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/b.tar", std::ios::binary) << tar;
  std::string command = "tar -xf " + dir + "/b.tar -C " + dir;  // a fixed, generated path: no input
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream dump(dir + "/database.dump", std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(dump)), {});
  EXPECT_EQ(content, std::string(1000, 'a') + std::string(2000, 'b'));
  EXPECT_TRUE(std::filesystem::exists(dir + "/filestore/ab/" + std::string(64, 'c')));
  std::filesystem::remove_all(dir);
}

TEST(TarWriter, SizesMustBeKept) {
  StringSink out;
  TarWriter tar(out, 0);
  ASSERT_TRUE(tar.BeginEntry("x", 2));
  EXPECT_FALSE(tar.Write("abc"));
  ASSERT_TRUE(tar.Write("a"));
  EXPECT_FALSE(tar.EndEntry());
}

// A sink that takes `capacity` bytes, then fails (a download cut short).
class StoppingSink final : public ByteSink {
 public:
  explicit StoppingSink(std::size_t capacity) : capacity_(capacity) {}
  core::Result<void> Write(std::string_view bytes) override {
    if (taken_ + bytes.size() > capacity_) return core::Fail(core::ErrorCode::kIo, "stopped here");
    taken_ += bytes.size();
    return {};
  }
  core::Result<void> Close() override { return {}; }

 private:
  std::size_t capacity_;
  std::size_t taken_ = 0;
};

// The sink's own error reaches the caller of the call that met it; the
// sanitizer build checks nothing of libarchive's is left behind (a sink that
// failed during a header used to leave libarchive's output block allocated).
TEST(TarWriter, ASinkThatStopsIsReportedWithItsOwnErrorAndLeavesNothingBehind) {
  StoppingSink out(1024);
  TarWriter tar(out, 0);
  ASSERT_TRUE(tar.BeginEntry("database.dump", 8192));
  core::Result<void> written;
  for (int i = 0; i < 8 && written; ++i) written = tar.Write(std::string(1024, 'x'));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message, "stopped here");
  auto ended = tar.EndEntry();
  ASSERT_FALSE(ended);
  auto closed = tar.Close();
  EXPECT_FALSE(closed);
}

TEST(TarWriter, ASinkThatStopsAtAHeaderIsReported) {
  StoppingSink out(512 + 1024);
  TarWriter tar(out, 0);
  ASSERT_TRUE(tar.BeginEntry("database.dump", 1024));
  ASSERT_TRUE(tar.Write(std::string(1024, 'x')));
  ASSERT_TRUE(tar.EndEntry());
  auto begun = tar.BeginEntry("manifest.json", 10);
  if (begun) begun = tar.Write("0123456789");
  if (begun) begun = tar.EndEntry();
  ASSERT_FALSE(begun);
}

// The same when the sink stops at the archive's end (its trailer).
TEST(TarWriter, ASinkThatStopsAtTheTrailerIsReported) {
  StoppingSink out(512 + 1024);  // the header and the data, not the trailer
  TarWriter tar(out, 0);
  ASSERT_TRUE(tar.BeginEntry("database.dump", 1024));
  ASSERT_TRUE(tar.Write(std::string(1024, 'x')));
  ASSERT_TRUE(tar.EndEntry());
  auto closed = tar.Close();
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().message, "stopped here");
}

TEST(TarWriter, ArchiveSizeIsTheSizeOfTheArchiveWritten) {
  const std::string tar = MakeTar(1'796'000'000);
  auto size = TarWriter::ArchiveSize({{"database.dump", 3000}, {"filestore/ab/" + std::string(64, 'c'), 5}},
                                     1'796'000'000);
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, tar.size());
  // A long name takes a pax header, an entry over 8 GiB a pax size: both counted.
  auto long_name = TarWriter::ArchiveSize({{std::string(150, 'n'), 1}}, 0);
  auto short_name = TarWriter::ArchiveSize({{"n", 1}}, 0);
  ASSERT_TRUE(long_name && short_name);
  EXPECT_GT(*long_name, *short_name);
  const auto start = std::chrono::steady_clock::now();
  auto huge = TarWriter::ArchiveSize({{"database.dump", (std::uint64_t{9} << 30) + 1}}, 0);
  ASSERT_TRUE(huge);
  EXPECT_GT(*huge, (std::uint64_t{9} << 30) + 512);
  EXPECT_EQ(*huge % 512, 0u);
  std::printf("sizing a 9 GiB entry took %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count()));
}

}  // namespace
}  // namespace citadel::backup
