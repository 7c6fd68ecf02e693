#include "backup/local_directory_site.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "backup/testing/backup_site_contract.hpp"
#include "backup/testing/copy_damages.hpp"
#include "core/sha256.hpp"

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

// The re-read compares a digest of what the disk gives back with one of what
// was written (backup/read_back_digest.hpp): a copy the disk altered before
// the commit is never published, whatever the change.
TEST(LocalDirectorySite, ACopyTheDiskChangedIsRefusedAtCommit) {
  std::string root = FreshRoot();
  LocalDirectorySite site(root);
  std::string content(3 << 20, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 131) % 251);
  const std::string partial = root + "/r/copy.partial";
  for (const auto& [what, change] : testing::CopyDamages()) {
    auto upload = site.BeginUpload("r/copy");
    ASSERT_TRUE(upload.has_value()) << upload.error().message;
    ASSERT_TRUE((*upload)->Write(content).has_value()) << what;
    change(partial);
    auto committed = (*upload)->Commit();
    ASSERT_FALSE(committed.has_value()) << what;
    EXPECT_EQ(committed.error().code, core::ErrorCode::kIo) << what;
    EXPECT_NE(committed.error().message.find("differs from what was written"), std::string::npos)
        << what << ": " << committed.error().message;
    (*upload)->Abort();
    EXPECT_FALSE(std::filesystem::exists(root + "/r/copy")) << what;
    EXPECT_FALSE(std::filesystem::exists(partial)) << what;
  }
  // Unchanged, the same upload commits, and the copy's SHA-256 is its content's.
  auto upload = site.BeginUpload("r/copy");
  ASSERT_TRUE(upload.has_value());
  ASSERT_TRUE((*upload)->Write(content).has_value());
  auto copy = (*upload)->Commit();
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  EXPECT_EQ(copy->sha256_hex, core::Sha256Hex(content));
  EXPECT_EQ(copy->size, content.size());
}

}  // namespace
}  // namespace citadel::backup
