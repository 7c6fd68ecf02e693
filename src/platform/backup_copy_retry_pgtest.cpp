// Copies retried with back-off, against the harness's PostgreSQL, two local
// directories and a real OpenSSH server (backup/testing/sshd_test_server):
// the SFTP site stopped during the backup and started again gets its copy
// from another site, recorded only once complete; a local site that stays
// unwritable costs that copy and nothing else; a source that reads back
// altered is never copied on.
#include "platform/backup_copy_retry.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "backup/tenant_key_store.hpp"
#include "backup/testing/sshd_test_server.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "platform/backup_sites.hpp"
#include "platform/testing/backup_pg_test.hpp"

namespace citadel::platform {
namespace {

class CopyRetryPg : public testing::BackupPgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenTenant("retry"));
    BackupServiceOptions backup_options = BackupOptionsInTestDir();
    backup_options.copy_retry.attempts = 5;
    backup_options.copy_retry.first_delay = std::chrono::milliseconds(250);
    ASSERT_NO_FATAL_FAILURE(OpenBackups(backup_options));
    // The tenant's key exists before its first backup, as tenant creation
    // makes it (a site that is down must not stand in the way of a new key).
    backup::TenantKeyStore keys(dir_ + "/keys", backups_->master(), {});
    ASSERT_TRUE(keys.Create(tenant_.db_name));
    for (int i = 0; i < 2; ++i) {
      SiteRow row{"local" + std::to_string(i), "local", i == 0 ? "eu-west" : "us-east", LocalDir(i), "", "", ""};
      ASSERT_TRUE(backups_->catalog().AddSite(row));
    }
  }
  std::string LocalDir(int i) const { return dir_ + "/local" + std::to_string(i); }
  void AddSftpSite(const backup::testing::SshdTestServer& server) {
    SiteRow row{"far", "sftp", "ap-south",
                server.user() + "@" + server.host() + ":" + std::to_string(server.port()) + server.site_root(),
                server.host_public_key(), server.private_key_path(), ""};
    auto added = backups_->catalog().AddSite(row);
    ASSERT_TRUE(added) << added.error().message;
  }
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  static bool HasPartial(const std::string& root) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec); !ec && it != std::filesystem::end(it);
         it.increment(ec)) {
      if (it->path().string().ends_with(".partial")) return true;
    }
    return false;
  }
};

TEST_F(CopyRetryPg, AnSftpSiteDownDuringTheBackupGetsItsCopyWhenItIsBack) {
  auto server = backup::testing::SshdTestServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  AddSftpSite(**server);
  ASSERT_TRUE((*server)->Stop());
  // Back a second into the back-off (retries at +0.25, +0.75, +1.75 s...).
  std::thread restarter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_TRUE((*server)->Restart());
  });
  auto made = CreateBackupWithRetries(*backups_, name_, "manual");
  restarter.join();
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(made->error.empty()) << made->error;
  ASSERT_EQ(made->copies.size(), 3u);
  auto row = backups_->catalog().GetBackup(made->id);
  ASSERT_TRUE(row);
  ASSERT_EQ(row->copies.size(), 3u);
  std::string local = ReadFile(LocalDir(0) + "/" + row->copies.front().path);
  std::string far = ReadFile((*server)->site_root() + "/" + row->copies.front().path);
  EXPECT_EQ(far, local);
  for (const auto& copy : row->copies) EXPECT_EQ(copy.sha256, core::Sha256Hex(local)) << copy.site;
  EXPECT_FALSE(HasPartial((*server)->site_root()));
  // The retried copy is as good as the others: a restore can read it alone.
  std::filesystem::remove_all(LocalDir(0) + "/" + row->tenant_db);
  std::filesystem::remove_all(LocalDir(1) + "/" + row->tenant_db);
  auto verified = backups_->Verify(made->id);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->site, "far");
  EXPECT_TRUE(verified->ok());
}

TEST_F(CopyRetryPg, AFullSftpSiteStaysFailedAndCostsOnlyItsCopy) {
  backup::testing::SshdTestServerOptions full;
  full.max_file_bytes = 256;  // a write past it fails as a full disk does
  auto server = backup::testing::SshdTestServer::Start(full);
  ASSERT_TRUE(server) << server.error().message;
  AddSftpSite(**server);
  auto made = CreateBackupWithRetries(*backups_, name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->state, "complete");
  EXPECT_NE(made->error.find("far"), std::string::npos) << made->error;
  EXPECT_NE(made->error.find("5 retries"), std::string::npos) << made->error;
  auto row = backups_->catalog().GetBackup(made->id);
  ASSERT_TRUE(row);
  ASSERT_EQ(row->copies.size(), 2u);
  for (const auto& copy : row->copies) EXPECT_NE(copy.site, "far");
  EXPECT_FALSE(std::filesystem::exists((*server)->site_root() + "/" + row->copies.front().path));
  EXPECT_FALSE(HasPartial((*server)->site_root()));
  EXPECT_TRUE(backups_->Verify(made->id));
}

TEST_F(CopyRetryPg, AnUnwritableLocalSiteGetsItsCopyOnceWritableAndNeverAnAlteredOne) {
  SiteRow third{"local2", "local", "ap-south", dir_ + "/local2", "", "", ""};
  ASSERT_TRUE(backups_->catalog().AddSite(third));
  // Unwritable even for root: the site's root is a file (an unmounted disk's mount point replaced).
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ + "/local2") << "not a directory";
  std::thread fixer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    std::filesystem::remove(dir_ + "/local2");
    std::filesystem::create_directories(dir_ + "/local2");
  });
  auto made = CreateBackupWithRetries(*backups_, name_, "manual");
  fixer.join();
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(made->error.empty()) << made->error;
  EXPECT_EQ(made->copies.size(), 3u);

  // A copy that reads back altered is not spread: the missing site stays missing.
  auto second = backups_->Create(name_, "manual");
  ASSERT_TRUE(second) << second.error().message;
  ASSERT_EQ(second->copies.size(), 3u);
  ASSERT_TRUE(backups_->catalog().ForgetCopy(second->id, "local2"));
  std::filesystem::remove(dir_ + "/local2/" + second->copies.front().path);
  for (int i = 0; i < 2; ++i) {
    std::string path = LocalDir(i) + "/" + second->copies.front().path;
    std::string bytes = ReadFile(path);
    bytes[bytes.size() / 2] ^= 0x01;
    std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  auto row = backups_->catalog().GetBackup(second->id);
  ASSERT_TRUE(row);
  auto retried = RetryMissingCopies(*backups_, *row);
  ASSERT_TRUE(retried) << retried.error().message;
  EXPECT_NE(retried->error.find("differs"), std::string::npos) << retried->error;
  EXPECT_EQ(retried->copies.size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/local2/" + second->copies.front().path));
  EXPECT_FALSE(HasPartial(dir_ + "/local2"));
}

// A server that stops mid-backup does not wait for it: pg_dump is killed,
// the sites' temporaries go, the row is failed, and nothing new starts.
TEST_F(CopyRetryPg, AStopMidBackupKillsTheDumpRemovesTemporariesAndFailsTheRow) {
  ASSERT_TRUE(backups_->catalog().SetPolicy(SitePolicy{2, 2, "test: two sites"}));
  bool asked = false;
  auto stopped = backups_->Create(name_, "scheduled", [&](const BackupProgress& progress) {
    if (progress.stage == "dump" && !asked) {
      asked = true;
      backups_->RequestStop();
    }
  });
  ASSERT_TRUE(asked);
  ASSERT_FALSE(stopped);
  EXPECT_NE(stopped.error().message.find("stopping"), std::string::npos) << stopped.error().message;
  auto listed = backups_->List(name_);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().state, "failed");
  EXPECT_NE(listed->front().error.find("stopping"), std::string::npos);
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(HasPartial(LocalDir(i)));
    EXPECT_FALSE(std::filesystem::exists(LocalDir(i) + "/" + listed->front().tenant_db + "/" + listed->front().id +
                                         ".cbk"));
  }
  // pg_dump was killed: its session is gone (the harness's postmaster is a
  // child of this process too, so children are not counted).
  auto maintenance = tenants_->AcquireMaintenance();
  ASSERT_TRUE(maintenance);
  bool dump_gone = false;
  for (int i = 0; i < 50 && !dump_gone; ++i) {
    auto dumps = (*maintenance)->Execute(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'pg_dump' AND datname = $1",
        listed->front().tenant_db);
    ASSERT_TRUE(dumps);
    dump_gone = dumps->Text(0, "n") == "0";
    if (!dump_gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(dump_gone);
  auto next = backups_->Create(name_, "scheduled");
  ASSERT_FALSE(next);
  EXPECT_NE(next.error().message.find("not started"), std::string::npos);
}

// At start a server fails the backups this machine's dead processes left
// 'running', and no one else's.
TEST_F(CopyRetryPg, AbandonedBackupsOfThisMachineAreFailedAndNoOneElses) {
  auto tenant = tenants_->Get(name_);
  ASSERT_TRUE(tenant);
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // a pid whose process is gone
  auto catalog = tenants_->AcquireCatalog();
  ASSERT_TRUE(catalog);
  std::string suffix = core::RandomLowerAlnum(6);
  struct Row {
    std::string id, host;
    bool fails;
  };
  std::vector<Row> rows = {{"dead-" + suffix, std::string(host) + ":" + std::to_string(child), true},
                           {"alive-" + suffix, std::string(host) + ":1", false},
                           {"elsewhere-" + suffix, "another-server:" + std::to_string(child), false}};
  for (const auto& row : rows) {
    ASSERT_TRUE((*catalog)->Execute(
        "INSERT INTO backups (id, tenant_id, tenant_db, kind, state, host) VALUES ($1, $2, $3, 'manual', 'running', $4)",
        row.id, tenant->id, tenant->db_name, row.host));
  }
  auto failed = backups_->catalog().FailAbandonedHere("abandoned (test)");
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_EQ(*failed, 1);
  for (const auto& row : rows) {
    auto got = backups_->catalog().GetBackup(row.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->state, row.fails ? "failed" : "running") << row.id;
    (void)backups_->catalog().FailBackup(row.id, "test over");
  }
  // A backup records who runs it.
  ASSERT_TRUE(backups_->catalog().SetPolicy(SitePolicy{2, 2, "test: two sites"}));
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  auto host_of = (*catalog)->Execute("SELECT host FROM backups WHERE id = $1", made->id);
  ASSERT_TRUE(host_of);
  EXPECT_EQ(host_of->Text(0, "host"), std::string(host) + ":" + std::to_string(::getpid()));
}

}  // namespace
}  // namespace citadel::platform
