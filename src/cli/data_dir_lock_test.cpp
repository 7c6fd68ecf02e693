#include "cli/data_dir_lock.hpp"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

namespace citadel::cli {
namespace {

TEST(DataDirLockTest, OneHolderAtATimeAndReleasedOnDestruction) {
  char tmpl[] = "/tmp/citadel-lock-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  {
    auto first = DataDirLock::TryAcquire(dir);
    ASSERT_TRUE(first) << first.error().message;
    auto second = DataDirLock::TryAcquire(dir);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, core::ErrorCode::kAlreadyExists);
    EXPECT_NE(second.error().message.find("already running"), std::string::npos);
  }
  EXPECT_TRUE(DataDirLock::TryAcquire(dir));
  std::filesystem::remove_all(dir);
}

TEST(DataDirLockTest, MissingDirectoryIsAnIoError) {
  auto lock = DataDirLock::TryAcquire("/nonexistent/citadel/dir");
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error().code, core::ErrorCode::kIo);
}

}  // namespace
}  // namespace citadel::cli
