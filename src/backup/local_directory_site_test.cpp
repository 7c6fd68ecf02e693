#include "backup/local_directory_site.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "backup/testing/backup_site_contract.hpp"

namespace citadel::backup {
namespace {

// A fresh root under the test's temporary directory for every site made; the
// roots are removed when the binary exits.
std::string FreshRoot() {
  static const std::string base = [] {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/citadel-site-XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) std::abort();
    return std::string(made);
  }();
  static int next = 0;
  return base + "/site-" + std::to_string(++next);
}

struct RemoveRootsAtExit : ::testing::Environment {
  void TearDown() override {
    std::string base = FreshRoot();
    std::filesystem::remove_all(std::filesystem::path(base).parent_path());
  }
};
[[maybe_unused]] auto* const remove_roots = ::testing::AddGlobalTestEnvironment(new RemoveRootsAtExit);

using testing::BackupSiteContract;
INSTANTIATE_TEST_SUITE_P(Local, BackupSiteContract,
                         ::testing::Values(testing::SiteFactory{
                             "local", [] { return std::make_unique<LocalDirectorySite>(FreshRoot()); }}));

TEST(LocalDirectorySite, CheckOfAnUnwritableRootSaysWhy) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes anywhere";
  std::string root = FreshRoot();
  std::filesystem::create_directories(root);
  ::chmod(root.c_str(), 0500);
  LocalDirectorySite site(root);
  SiteHealth health = site.Check();
  EXPECT_TRUE(health.reachable);
  EXPECT_FALSE(health.writable);
  EXPECT_NE(health.detail.find("Permission denied"), std::string::npos) << health.detail;
  ::chmod(root.c_str(), 0700);
}

TEST(LocalDirectorySite, FilesAreOnlyReadableByTheServiceUser) {
  std::string root = FreshRoot();
  LocalDirectorySite site(root);
  auto upload = site.BeginUpload("t/secret");
  ASSERT_TRUE(upload.has_value());
  ASSERT_TRUE((*upload)->Write("x").has_value());
  ASSERT_TRUE((*upload)->Commit().has_value());
  struct stat info {};
  ASSERT_EQ(::stat((root + "/t/secret").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((root + "/t").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace citadel::backup
