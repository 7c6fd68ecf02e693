// Rebuilding the catalog's backups from the sites, against the harness's
// PostgreSQL and two local sites: after the rows are lost, every backup comes
// back complete with its time, kind, manifest, size, digest and both copies
// (and exports the same .tar); a lost copy row alone comes back alone; a copy
// altered on one site is reported and not recorded; a file moved under
// another tenant's directory, and a file of no known tenant, are reported
// and never recorded.
#include "platform/backup_catalog_rebuild.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "platform/testing/backup_pg_test.hpp"

namespace citadel::platform {
namespace {

class BackupCatalogRebuildPg : public testing::BackupPgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenTenant("rbd"));
    ASSERT_NO_FATAL_FAILURE(OpenBackups(BackupOptionsInTestDir()));
    AddLocalSites(2);
    ASSERT_TRUE(backups_->catalog().SetPolicy({2, 2, ""}));
  }
  // What losing the catalog's record of the tenant's backups looks like.
  void ForgetBackups() {
    auto catalog = tenants_->AcquireCatalog();
    ASSERT_TRUE(catalog);
    ASSERT_TRUE((*catalog)->Execute("DELETE FROM backups WHERE tenant_id = $1", tenant_.id));
  }
  std::string Export(const std::string& id) {
    backup::StringSink tar;
    auto exported = backups_->Export(id, tar);
    EXPECT_TRUE(exported) << exported.error().message;
    return tar.data();
  }
};

TEST_F(BackupCatalogRebuildPg, LostRowsComeBackFromTheSitesAsTheyWere) {
  auto first = backups_->Create(name_, "manual");
  ASSERT_TRUE(first) << first.error().message;
  auto second = backups_->Create(name_, "scheduled");
  ASSERT_TRUE(second) << second.error().message;
  const std::string tar = Export(first->id);
  ForgetBackups();
  ASSERT_TRUE(backups_->List(name_)->empty());

  auto rebuilt = RebuildBackupCatalog(*backups_, *tenants_);
  ASSERT_TRUE(rebuilt) << rebuilt.error().message;
  EXPECT_EQ(rebuilt->files_seen, 4);
  EXPECT_EQ(rebuilt->backups_added, 2);
  EXPECT_EQ(rebuilt->copies_added, 4);
  for (const auto& skipped : rebuilt->skipped) ADD_FAILURE() << skipped;
  for (const auto& original : {*first, *second}) {
    auto row = backups_->catalog().GetBackup(original.id);
    ASSERT_TRUE(row) << row.error().message;
    EXPECT_EQ(row->state, "complete");
    EXPECT_EQ(row->kind, original.kind);
    EXPECT_EQ(row->tenant_id, tenant_.id);
    EXPECT_EQ(row->started_at, original.started_at);
    EXPECT_EQ(row->size, original.size);
    EXPECT_EQ(row->manifest, original.manifest);
    ASSERT_EQ(row->copies.size(), 2u);
    EXPECT_EQ(row->copies[0].sha256, original.copies[0].sha256);
  }
  EXPECT_EQ(Export(first->id), tar);
  EXPECT_TRUE(backups_->Verify(second->id)->ok());

  // Run again: nothing to add.
  auto again = RebuildBackupCatalog(*backups_, *tenants_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->backups_added, 0);
  EXPECT_EQ(again->copies_added, 0);
  // A lost copy row alone comes back alone.
  ASSERT_TRUE(backups_->catalog().ForgetCopy(first->id, "site1"));
  auto copy = RebuildBackupCatalog(*backups_, *tenants_);
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->backups_added, 0);
  EXPECT_EQ(copy->copies_added, 1);
  EXPECT_EQ(backups_->catalog().GetBackup(first->id)->copies.size(), 2u);
}

TEST_F(BackupCatalogRebuildPg, AlteredMovedAndOrphanFilesAreReportedNeverRecorded) {
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  const std::string path = tenant_.db_name + "/" + made->id + ".cbk";
  // The second site's copy altered near its end.
  {
    std::fstream file(SiteDir(1) + "/" + path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(made->size.value_or(100) - 40));
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(static_cast<std::streamoff>(made->size.value_or(100) - 40));
    byte = static_cast<char>(byte ^ 0x01);
    file.write(&byte, 1);
  }
  // The same file under another tenant's name, and under no tenant at all.
  const std::string rival = "rbdr" + core::RandomLowerAlnum(6);
  auto other = tenants_->Create({rival, "admin", "a long admin password"});
  ASSERT_TRUE(other) << other.error().message;
  other_tenants_.push_back(rival);
  std::filesystem::create_directories(SiteDir(0) + "/" + other->db_name);
  std::filesystem::copy_file(SiteDir(0) + "/" + path,
                             SiteDir(0) + "/" + other->db_name + "/20260101t000000z-aaaaaa.cbk");
  std::filesystem::create_directories(SiteDir(0) + "/t_nobody00000");
  std::filesystem::copy_file(SiteDir(0) + "/" + path, SiteDir(0) + "/t_nobody00000/" + made->id + "x.cbk");
  ForgetBackups();

  auto rebuilt = RebuildBackupCatalog(*backups_, *tenants_);
  ASSERT_TRUE(rebuilt) << rebuilt.error().message;
  EXPECT_EQ(rebuilt->backups_added, 1);
  EXPECT_EQ(rebuilt->copies_added, 1);  // the intact copy only
  auto row = backups_->catalog().GetBackup(made->id);
  ASSERT_TRUE(row);
  ASSERT_EQ(row->copies.size(), 1u);
  EXPECT_EQ(row->copies[0].site, "site0");
  std::string report;
  for (const auto& skipped : rebuilt->skipped) report += skipped + "\n";
  EXPECT_NE(report.find("site1:" + path), std::string::npos) << report;
  EXPECT_NE(report.find("20260101t000000z-aaaaaa"), std::string::npos) << report;
  EXPECT_NE(report.find("t_nobody00000"), std::string::npos) << report;
  EXPECT_FALSE(backups_->catalog().GetBackup("20260101t000000z-aaaaaa"));
}

}  // namespace
}  // namespace citadel::platform
