#include "backup/tar_writer.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace citadel::backup
