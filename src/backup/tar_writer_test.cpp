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
