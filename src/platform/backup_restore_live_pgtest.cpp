// Restore onto the live database against the harness's PostgreSQL and
// local-directory sites: the live data and files are replaced by the
// backup's, the safety backup holds what was replaced and brings it back;
// another tenant's backup, a second concurrent restore, a damaged copy and a
// failure at the switch are each refused or undone with the live tenant left
// exactly as it was.
#include "platform/backup_restore_live.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "backup/tenant_key_store.hpp"
#include "core/random.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "orm/file_store.hpp"
#include "platform/backup_copy_retry.hpp"
#include "platform/live_database_switch.hpp"
#include "platform/restore_lock.hpp"
#include "platform/tenant_file_sealing.hpp"
#include "platform/testing/backup_pg_test.hpp"
#include "platform/web_session_store.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;

class RestoreOntoLivePg : public testing::BackupPgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenTenant("live"));
    ASSERT_TRUE(Sql("CREATE TABLE invoice_line (id serial PRIMARY KEY, product text, qty numeric)"));
    ASSERT_TRUE(Sql("INSERT INTO invoice_line (product, qty) SELECT 'product ' || g, g % 7 "
                    "FROM generate_series(1, 5000) g"));
    BackupServiceOptions backup_options = BackupOptionsInTestDir();
    backup_options.file_store_root = dir_ + "/filestore";
    backup_options.copy_retry.attempts = 0;
    ASSERT_NO_FATAL_FAILURE(OpenBackups(backup_options));
    // The tenant's key, as tenant creation makes it, seals its file store.
    backup::TenantKeyStore keys(dir_ + "/keys", backups_->master(), {});
    auto key = keys.Create(tenant_.db_name);
    ASSERT_TRUE(key) << key.error().message;
    orm::FileStoreOptions store_options;
    store_options.sealing = std::make_shared<TenantFileSealing>(key->bytes);
    files_ = std::make_unique<orm::FileStore>(LiveDir(), core::RealFileSystem::Instance(), store_options);
    auto first = files_->Put("an attachment's bytes");
    ASSERT_TRUE(first) << first.error().message;
    first_file_ = *first;
    ASSERT_NO_FATAL_FAILURE(AddLocalSites(3));
  }

  core::Result<db::QueryResult> Sql(db::SqlText sql) {
    auto dsn = tenants_->TenantDsn(name_);
    if (!dsn) return core::Unexpected(dsn.error());
    auto c = db::Connection::Open(*dsn);
    if (!c) return core::Unexpected(c.error());
    return c->Execute(sql);
  }
  std::string Rows() {
    auto rows = Sql("SELECT count(*) AS n FROM invoice_line");
    return rows ? rows->Text(0, "n") : "error: " + rows.error().message;
  }
  std::string LiveDir() const { return dir_ + "/filestore/" + tenant_.db_name; }
  std::string FileContent(const std::string& reference) {
    auto content = files_->Get(reference);
    return content ? *content : "error: " + content.error().message;
  }
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  // The databases of the cluster whose name starts with the tenant's.
  std::vector<std::string> TenantDatabases() {
    std::vector<std::string> names;
    auto maintenance = tenants_->AcquireMaintenance();
    if (!maintenance) return {"error"};
    auto rows = (*maintenance)->Execute("SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1",
                                        tenant_.db_name);
    if (!rows) return {"error"};
    for (int i = 0; i < rows->rows(); ++i) names.push_back(rows->Text(i, "datname"));
    return names;
  }
  std::vector<std::string> FileStoreEntries() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/filestore")) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  // What must hold after a refused or undone restore.
  void ExpectLiveUntouched(const std::string& rows) {
    EXPECT_EQ(Rows(), rows);
    EXPECT_EQ(FileContent(first_file_), "an attachment's bytes");
    EXPECT_EQ(FileContent(later_file_), "written after the backup");
    EXPECT_EQ(TenantDatabases(), std::vector<std::string>{tenant_.db_name});
    EXPECT_EQ(FileStoreEntries(), std::vector<std::string>{tenant_.db_name});
    auto record = tenants_->Get(name_);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->state, "active");
  }
  // A backup, then rows and a file written after it.
  BackupRow BackupThenWriteMore() {
    auto made = backups_->Create(name_, "manual");
    EXPECT_TRUE(made) << made.error().message;
    EXPECT_TRUE(Sql("INSERT INTO invoice_line (product, qty) SELECT 'later ' || g, 1 FROM generate_series(1, 250) g"));
    auto later = files_->Put("written after the backup");
    EXPECT_TRUE(later);
    later_file_ = later ? *later : "";
    return made ? *made : BackupRow{};
  }

  std::unique_ptr<orm::FileStore> files_;
  std::string first_file_;
  std::string later_file_;
};

TEST_F(RestoreOntoLivePg, ReplacesTheLiveDataAndFilesAndTheSafetyBackupBringsThemBack) {
  auto backup = BackupThenWriteMore();
  ASSERT_EQ(Rows(), "5250");
  // A connection pooled before the switch, and a signed-in web session.
  { auto pooled = tenants_->Acquire(name_); ASSERT_TRUE(pooled); }
  WebSessionStore sessions(*tenants_);
  auto sid = sessions.Create(name_, 2, "fingerprint");
  ASSERT_TRUE(sid) << sid.error().message;

  std::vector<std::string> said;
  OntoLiveOptions options;
  options.say = [&](const std::string& line) { said.push_back(line); };
  auto restored = RestoreOntoLive(*backups_, *tenants_, name_, backup.id, options);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(restored->database, tenant_.db_name);  // the tenant keeps its database name
  EXPECT_FALSE(restored->safety_backup_id.empty());
  EXPECT_EQ(restored->sessions_ended, 1);
  EXPECT_TRUE(restored->warning.empty()) << restored->warning;
  EXPECT_GE(said.size(), 4u);

  // The rows written after the backup are gone, and so is the later file.
  EXPECT_EQ(Rows(), "5000");
  EXPECT_EQ(FileContent(first_file_), "an attachment's bytes");
  auto gone = files_->Get(later_file_);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TenantDatabases(), std::vector<std::string>{tenant_.db_name});
  EXPECT_EQ(FileStoreEntries(), std::vector<std::string>{tenant_.db_name});
  // The pool hands out connections to the restored data only.
  auto pooled = tenants_->Acquire(name_);
  ASSERT_TRUE(pooled) << pooled.error().message;
  auto count = (*pooled)->Execute("SELECT count(*) AS n FROM invoice_line");
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(count->Text(0, "n"), "5000");
  pooled = core::Unexpected(core::Error{});
  // Sessions signed in to the old data end.
  auto found = sessions.Find(*sid);
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
  // The restored tables belong to the tenant's own role.
  auto owner = Sql("SELECT tableowner FROM pg_tables WHERE tablename = 'invoice_line'");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->Text(0, "tableowner"), tenant_.role_name);

  // The safety backup is an ordinary, recorded backup holding what was replaced.
  auto safety = backups_->catalog().GetBackup(restored->safety_backup_id);
  ASSERT_TRUE(safety);
  EXPECT_EQ(safety->kind, "safety");
  EXPECT_EQ(safety->state, "complete");
  auto back = RestoreOntoLive(*backups_, *tenants_, name_, restored->safety_backup_id);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(Rows(), "5250");
  EXPECT_EQ(FileContent(later_file_), "written after the backup");
}

TEST_F(RestoreOntoLivePg, AnotherTenantsBackupIsNeverRestoredOntoThisOne) {
  auto backup = BackupThenWriteMore();
  std::string other = name_ + "b";
  other_tenants_.push_back(other);
  auto made = tenants_->Create({other, "admin", "another long password"});
  ASSERT_TRUE(made) << made.error().message;
  auto refused = RestoreOntoLive(*backups_, *tenants_, other, backup.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("another tenant"), std::string::npos) << refused.error().message;
  // A catalog row altered to name the other tenant still cannot pass: the
  // manifest names the source's database.
  BackupRow forged = backup;
  forged.tenant_id = made->id;
  forged.tenant_db = made->db_name;
  EXPECT_NE(OntoLiveRefusal(forged, *made), "");
  auto other_backups = backups_->List(other);
  ASSERT_TRUE(other_backups);
  EXPECT_TRUE(other_backups->empty());  // not even a safety backup was taken
  ExpectLiveUntouched("5250");
}

TEST_F(RestoreOntoLivePg, ASecondRestoreOfTheTenantIsRefusedWhileOneRuns) {
  auto backup = BackupThenWriteMore();
  auto held = TenantRestoreLock::TryAcquire(*tenants_, tenant_.id);
  ASSERT_TRUE(held) << held.error().message;
  auto refused = RestoreOntoLive(*backups_, *tenants_, name_, backup.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(refused.error().message.find("another restore"), std::string::npos) << refused.error().message;
  ExpectLiveUntouched("5250");
  // The lock is per tenant, and goes with its holder.
  auto again = TenantRestoreLock::TryAcquire(*tenants_, tenant_.id);
  EXPECT_FALSE(again);
  held = core::Unexpected(core::Error{});
  EXPECT_TRUE(TenantRestoreLock::TryAcquire(*tenants_, tenant_.id));
}

TEST_F(RestoreOntoLivePg, ADamagedCopyFailsMidRestoreAndTheLiveTenantIsAsItWas) {
  auto backup = BackupThenWriteMore();
  for (const auto& copy : backup.copies) {
    std::string path = dir_ + "/" + copy.site + "/" + copy.path;
    std::string bytes = ReadFile(path);
    bytes[bytes.size() * 3 / 4] ^= 0x20;
    std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  auto failed = RestoreOntoLive(*backups_, *tenants_, name_, backup.id);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("the live tenant is as it was"), std::string::npos) << failed.error().message;
  ExpectLiveUntouched("5250");
}

TEST_F(RestoreOntoLivePg, AFailureAtTheSwitchIsUndone) {
  auto backup = BackupThenWriteMore();
  for (const char* at : {"restore", "rename"}) {
    OntoLiveOptions options;
    options.before_step = [&](std::string_view step) -> core::Result<void> {
      if (step == at) return core::Fail(ErrorCode::kIo, std::string("injected at ") + at);
      return {};
    };
    auto failed = RestoreOntoLive(*backups_, *tenants_, name_, backup.id, options);
    ASSERT_FALSE(failed) << at;
    EXPECT_NE(failed.error().message.find(std::string("injected at ") + at), std::string::npos);
    ExpectLiveUntouched("5250");
  }
}

TEST_F(RestoreOntoLivePg, ASwitchInterruptedAfterTheRenameIsFinishedByTheNextRestore) {
  auto backup = BackupThenWriteMore();
  // As a process killed right after the rename would leave it: the restored
  // database in place, the tenant 'restoring', the retired database there.
  OntoLiveOptions options;
  bool stopped = false;
  options.before_step = [&](std::string_view step) -> core::Result<void> {
    if (step != "catalog") return {};
    stopped = true;
    auto names = LiveSwitchNames::For(tenant_, dir_ + "/filestore");
    EXPECT_EQ(TenantDatabases(), (std::vector<std::string>{tenant_.db_name, names.retired}));
    auto record = tenants_->Get(name_);
    EXPECT_TRUE(record && record->state == "restoring");
    return core::Fail(ErrorCode::kUnavailable, "injected: the catalog went away");
  };
  auto restored = RestoreOntoLive(*backups_, *tenants_, name_, backup.id, options);
  ASSERT_TRUE(stopped);
  // The switch is finished (not undone): the data is the backup's.
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_NE(restored->warning.find("injected"), std::string::npos);
  EXPECT_EQ(Rows(), "5000");
  EXPECT_EQ(TenantDatabases(), std::vector<std::string>{tenant_.db_name});
  EXPECT_EQ(FileStoreEntries(), std::vector<std::string>{tenant_.db_name});
}

}  // namespace
}  // namespace citadel::platform
