// Master key rotation against the harness's PostgreSQL and local-directory
// sites: backups made before a rotation verify after it, the old key opens
// no tenant key anywhere, and a site that is down stops the rotation before
// anything changes here, a rerun finishing it with the same new key.
#include "backup/master_key_rotation.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "platform/backup_service.hpp"
#include "platform/backup_sites.hpp"
#include "platform/testing/backup_pg_test.hpp"

namespace citadel::platform {
namespace {

class MasterKeyRotationPg : public testing::BackupPgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenTenant("rot"));
    options_ = BackupOptionsInTestDir();
    ASSERT_NO_FATAL_FAILURE(Reopen());
    ASSERT_NO_FATAL_FAILURE(AddLocalSites(3));
  }
  // A service as a restarted server has it: the master key read again.
  void Reopen() { OpenBackups(options_); }
  core::Result<backup::MasterKeyRotation> Rotate() {
    auto sites = OpenAllSites(backups_->catalog());
    if (!sites) return core::Unexpected(sites.error());
    return backup::RotateMasterKey(options_.key_directory, options_.master_key_path, "", sites->named);
  }
  // Whether `master` opens the tenant's key from the local record or any site.
  bool Opens(const backup::MasterKey& master, const std::string& key_directory) {
    auto sites = OpenAllSites(backups_->catalog());
    if (!sites) return false;
    backup::TenantKeyStore store(key_directory, master, sites->named);
    return store.Get(tenant_.db_name).has_value();
  }

  BackupServiceOptions options_;
};

// Regression: a running server kept the master key it started with after
// `keys rotate` (another process), so once the rotation removed the old
// records from the sites its backups failed ("wrapped by master key ...")
// until a restart. It now reads the key again when the file changed.
TEST_F(MasterKeyRotationPg, ARunningServiceUsesTheRotatedKeyWithoutARestart) {
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  const std::string old_id = backups_->master().id();
  auto rotated = Rotate();  // as `citadel keys rotate` would, beside the running service
  ASSERT_TRUE(rotated) << rotated.error().message;
  ASSERT_TRUE(rotated->complete);
  // The same service, not reopened: the new key, and everything works.
  EXPECT_EQ(backups_->master().id(), rotated->new_key_id);
  EXPECT_NE(rotated->new_key_id, old_id);
  auto verified = backups_->Verify(made->id);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->ok());
  auto after = backups_->Create(name_, "manual");
  ASSERT_TRUE(after) << after.error().message;
  // An unreadable key file keeps the key in use.
  std::filesystem::permissions(options_.master_key_path, std::filesystem::perms::owner_all);
  EXPECT_EQ(backups_->master().id(), rotated->new_key_id);
}

TEST_F(MasterKeyRotationPg, BackupsMadeBeforeARotationVerifyAfterItAndTheOldKeyOpensNothing) {
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  backup::MasterKey old = backups_->master();
  std::string backup_bytes;
  {
    std::ifstream in(SiteDir(0) + "/" + made->copies.front().path, std::ios::binary);
    backup_bytes.assign(std::istreambuf_iterator<char>(in), {});
  }

  auto rotated = Rotate();
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_TRUE(rotated->complete);
  EXPECT_FALSE(rotated->resumed);
  EXPECT_EQ(rotated->old_key_id, old.id());
  EXPECT_NE(rotated->new_key_id, old.id());
  EXPECT_EQ(rotated->tenant_keys, 1);
  for (const auto& o : rotated->pushed) EXPECT_TRUE(o.ok) << o.site << ": " << o.detail;
  for (const auto& o : rotated->cleaned) EXPECT_TRUE(o.ok) << o.site << ": " << o.detail;
  EXPECT_FALSE(std::filesystem::exists(options_.master_key_path + ".next"));
  EXPECT_EQ(std::filesystem::status(options_.master_key_path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // Backups are not touched, and verify with the new key.
  {
    std::ifstream in(SiteDir(0) + "/" + made->copies.front().path, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), backup_bytes);
  }
  Reopen();
  EXPECT_EQ(backups_->master().id(), rotated->new_key_id);
  auto verified = backups_->Verify(made->id);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->ok()) << verified->differences;
  // The old key opens the tenant key neither here nor from any site.
  EXPECT_FALSE(Opens(old, options_.key_directory));
  EXPECT_FALSE(Opens(old, dir_ + "/keys-elsewhere"));
  EXPECT_TRUE(Opens(backups_->master(), dir_ + "/keys-elsewhere"));
  EXPECT_TRUE(backups_->Create(name_, "manual"));
}

TEST_F(MasterKeyRotationPg, ASiteThatIsDownStopsTheRotationAndARerunFinishesIt) {
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  std::string old_id = backups_->master().id();
  // site1 is gone (an unmounted disk): its root is not a directory.
  std::filesystem::rename(SiteDir(1), SiteDir(1) + ".away");
  std::ofstream(SiteDir(1)) << "not a directory";

  auto stopped = Rotate();
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_FALSE(stopped->complete);
  int failed = 0;
  for (const auto& o : stopped->pushed) failed += o.ok ? 0 : 1;
  EXPECT_EQ(failed, 1);
  // Nothing here changed: the old key is in use and still opens everything.
  Reopen();
  EXPECT_EQ(backups_->master().id(), old_id);
  EXPECT_TRUE(std::filesystem::exists(options_.master_key_path + ".next"));
  auto verified = backups_->Verify(made->id);
  ASSERT_TRUE(verified) << verified.error().message;

  std::filesystem::remove(SiteDir(1));
  std::filesystem::rename(SiteDir(1) + ".away", SiteDir(1));
  auto finished = Rotate();
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_TRUE(finished->complete);
  EXPECT_TRUE(finished->resumed);
  EXPECT_EQ(finished->new_key_id, stopped->new_key_id);
  Reopen();
  EXPECT_EQ(backups_->master().id(), stopped->new_key_id);
  verified = backups_->Verify(made->id);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->ok());
  // Every site holds only records of the new key.
  for (int i = 0; i < 3; ++i) {
    for (const auto& entry : std::filesystem::directory_iterator(SiteDir(i) + "/keys")) {
      EXPECT_NE(entry.path().filename().string().find(stopped->new_key_id), std::string::npos) << entry.path();
    }
  }
}

}  // namespace
}  // namespace citadel::platform
