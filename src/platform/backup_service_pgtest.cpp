// BackupService against the harness's PostgreSQL and local-directory sites:
// a backup of a tenant with data goes to every site encrypted, is recorded
// with its copies and manifest, and restores (verify) to the same census; a
// damaged copy, a site below policy and a lost key are each refused clearly.
#include "platform/backup_service.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "core/sha256.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "orm/file_store.hpp"
#include "platform/tenant_file_sealing.hpp"
#include "platform/testing/backup_pg_test.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;

class BackupServicePg : public testing::BackupPgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenTenant("cbk"));
    auto dsn = tenants_->TenantDsn(name_);
    ASSERT_TRUE(dsn);
    auto c = db::Connection::Open(*dsn);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->Execute("CREATE TABLE invoice_line (id serial PRIMARY KEY, product text, qty numeric, "
                           "price double precision, at timestamptz, note text)"));
    ASSERT_TRUE(c->Execute("INSERT INTO invoice_line (product, qty, price, at, note) SELECT 'product ' || g, g % 7, "
                           "g * 1.1, '2026-01-01'::timestamptz + g * interval '1 minute', "
                           "CASE WHEN g % 5 = 0 THEN NULL ELSE 'customer secret ' || g END "
                           "FROM generate_series(1, 20000) g"));

    BackupServiceOptions backup_options = BackupOptionsInTestDir();
    backup_options.file_store_root = dir_ + "/filestore";
    ASSERT_NO_FATAL_FAILURE(OpenBackups(backup_options));
    // A file in the tenant's store, sealed under its key, as a call stores it.
    backup::TenantKeyStore keys(dir_ + "/keys", backups_->master(), {});
    auto key = keys.Create(tenant_.db_name);
    ASSERT_TRUE(key) << key.error().message;
    auto reference = StoreOf(tenant_.db_name, key->bytes)->Put(kAttachment);
    ASSERT_TRUE(reference) << reference.error().message;
    attachment_reference_ = *reference;
  }
  static constexpr const char* kAttachment = "an attachment's bytes";
  // "filestore/<2 hex>/<sha256>": the attachment's part in a backup, plain.
  static std::string AttachmentPart() {
    const std::string sha = core::Sha256Hex(kAttachment);
    return "filestore/" + sha.substr(0, 2) + "/" + sha;
  }
  std::unique_ptr<orm::FileStore> StoreOf(const std::string& db_name, const std::string& key) {
    orm::FileStoreOptions options;
    options.sealing = std::make_shared<TenantFileSealing>(key);
    return std::make_unique<orm::FileStore>(dir_ + "/filestore/" + db_name, core::RealFileSystem::Instance(),
                                            options);
  }
  void AddSites(int count) { AddLocalSites(count); }
  std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  std::string attachment_reference_;
};

TEST_F(BackupServicePg, ABackupGoesToEverySiteEncryptedAndVerifies) {
  AddSites(3);
  std::vector<std::string> stages;
  auto made = backups_->Create(name_, "manual", [&](const BackupProgress& p) { stages.push_back(p.stage); });
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->state, "complete");
  EXPECT_TRUE(made->error.empty()) << made->error;
  ASSERT_EQ(made->copies.size(), 3u);
  EXPECT_NE(std::find(stages.begin(), stages.end(), "dump"), stages.end());

  std::string stored;
  for (const auto& copy : made->copies) {
    std::string bytes = ReadFile(dir_ + "/" + copy.site + "/" + copy.path);
    EXPECT_EQ(bytes.size(), copy.size);
    EXPECT_EQ(core::Sha256Hex(bytes), copy.sha256);
    if (stored.empty()) stored = bytes;
    EXPECT_EQ(bytes, stored);  // one stream, the same bytes on every site
  }
  EXPECT_EQ(stored.find("customer secret"), std::string::npos);
  EXPECT_EQ(stored.find("attachment"), std::string::npos);

  auto manifest = nlohmann::json::parse(made->manifest);
  EXPECT_EQ(manifest["tenant"]["database"], tenant_.db_name);
  EXPECT_EQ(manifest["tables"]["public.invoice_line"]["rows"], 20000);
  // Counted from the dump as it streamed (table_census.hpp's "copy-text").
  EXPECT_EQ(manifest["tables"]["public.invoice_line"]["algorithm"], "copy-text");
  EXPECT_EQ(manifest["tables"]["public.invoice_line"]["columns"],
            nlohmann::json::parse(R"(["id", "product", "qty", "price", "at", "note"])"));
  bool has_file = false;
  for (const auto& part : manifest["parts"]) has_file = has_file || part["name"] == AttachmentPart();
  EXPECT_TRUE(has_file) << manifest["parts"].dump();

  auto verified = backups_->Verify(made->id);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(verified->ok()) << verified->differences;
  auto row = backups_->catalog().GetBackup(made->id);
  ASSERT_TRUE(row);
  EXPECT_TRUE(row->verified_at.has_value());

  auto listed = backups_->List(name_);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, made->id);
}

TEST_F(BackupServicePg, ADamagedCopyFailsVerificationAndIsRecorded) {
  AddSites(1);
  ASSERT_TRUE(backups_->catalog().SetPolicy(SitePolicy{1, 1, "test: one site"}));
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  std::string path = dir_ + "/site0/" + made->copies.front().path;
  std::string bytes = ReadFile(path);
  bytes[bytes.size() / 2] ^= 0x40;
  std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto verified = backups_->Verify(made->id);
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().message.find("authentication"), std::string::npos) << verified.error().message;
  auto row = backups_->catalog().GetBackup(made->id);
  ASSERT_TRUE(row);
  EXPECT_FALSE(row->verify_error.empty());
  EXPECT_FALSE(row->verified_at.has_value());
}

TEST_F(BackupServicePg, SitesBelowThePolicyAreRefusedUntilItIsLowered) {
  auto none = backups_->Create(name_, "manual");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("citadel site add"), std::string::npos);
  AddSites(2);
  auto below = backups_->Create(name_, "manual");
  ASSERT_FALSE(below);
  EXPECT_NE(below.error().message.find("at least 3 sites in 2 regions"), std::string::npos) << below.error().message;
  ASSERT_TRUE(backups_->catalog().SetPolicy(SitePolicy{2, 2, "test"}));
  EXPECT_TRUE(backups_->Create(name_, "manual"));
}

TEST_F(BackupServicePg, ALostKeyIsNeverReplacedForATenantWithBackups) {
  AddSites(1);
  ASSERT_TRUE(backups_->catalog().SetPolicy(SitePolicy{1, 1, "test"}));
  ASSERT_TRUE(backups_->Create(name_, "manual"));
  // The key gone here and from the site.
  std::filesystem::remove(dir_ + "/keys/" + tenant_.db_name + ".key");
  std::filesystem::remove_all(dir_ + "/site0/keys");
  auto refused = backups_->Create(name_, "manual");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("refusing to make a new key"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace citadel::platform

namespace citadel::platform {
namespace {

TEST_F(BackupServicePg, ExportIsAPlainTarOfTheDumpFilesAndManifest) {
  AddSites(1);
  ASSERT_TRUE(backups_->catalog().SetPolicy(SitePolicy{1, 1, "test"}));
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  backup::StringSink tar;
  auto exported = backups_->Export(made->id, tar);
  ASSERT_TRUE(exported) << exported.error().message;
  EXPECT_TRUE(tar.closed());
  std::string out = dir_ + "/export";
  std::filesystem::create_directories(out);
  std::ofstream(out + "/b.tar", std::ios::binary) << tar.data();
  std::string command = "tar -xf " + out + "/b.tar -C " + out;  // generated paths only
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(ReadFile(out + "/" + AttachmentPart()), kAttachment) << "the download holds the plain file";
  auto manifest = nlohmann::json::parse(ReadFile(out + "/manifest.json"));
  EXPECT_EQ(manifest["backup_id"], made->id);
  std::string dump = ReadFile(out + "/database.dump");
  EXPECT_EQ(dump.substr(0, 5), "PGDMP");  // pg_dump's custom format, usable with pg_restore
  EXPECT_EQ(core::Sha256Hex(dump), manifest["parts"][0]["sha256"].get<std::string>());
}

TEST_F(BackupServicePg, DestroyingTheTenantKeyMakesEveryBackupUnreadableForAnyone) {
  AddSites(3);
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  auto destroyed = backups_->DestroyTenantKey(tenant_.db_name);
  ASSERT_TRUE(destroyed) << destroyed.error().message;
  for (const auto& outcome : *destroyed) EXPECT_TRUE(outcome.ok) << outcome.site << ": " << outcome.detail;
  // The backup files are still on every site, but no key record is left
  // anywhere, and the operator's own master key opens nothing.
  for (int i = 0; i < 3; ++i) {
    std::string site = dir_ + "/site" + std::to_string(i);
    EXPECT_TRUE(std::filesystem::exists(site + "/" + made->copies[0].path));
    for (const auto& entry : std::filesystem::recursive_directory_iterator(site)) {
      EXPECT_EQ(entry.path().string().find(tenant_.db_name + "."), std::string::npos) << entry.path();
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/keys/" + tenant_.db_name + ".key"));
  auto verify = backups_->Verify(made->id);
  ASSERT_FALSE(verify);
  EXPECT_EQ(verify.error().code, ErrorCode::kPermissionDenied) << verify.error().message;
  backup::StringSink tar;
  EXPECT_FALSE(backups_->Export(made->id, tar));
  // A fresh service (another server, same master key) cannot either.
  BackupServiceOptions again;
  again.key_directory = dir_ + "/keys-elsewhere";
  again.master_key_path = dir_ + "/master.key";
  auto other = BackupService::Open(*tenants_, again);
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_FALSE(other->get()->Verify(made->id));
}

}  // namespace
}  // namespace citadel::platform

#include "platform/backup_scheduler.hpp"

namespace citadel::platform {
namespace {

TEST_F(BackupServicePg, PruningRemovesWhatRetentionDropsFromEverySite) {
  AddSites(3);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto made = backups_->Create(name_, "manual");
    ASSERT_TRUE(made) << made.error().message;
    ids.push_back(made->id);
  }
  // One a day, none weekly or monthly: of three backups of today, the newest stays.
  auto pruned = backups_->Prune(name_, backup::RetentionPolicy{1, 0, 0}, std::chrono::system_clock::now());
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(pruned->size(), 2u);
  auto listed = backups_->List(name_);
  ASSERT_TRUE(listed);
  int complete = 0;
  for (const auto& row : *listed) {
    if (row.state == "complete") {
      ++complete;
      EXPECT_EQ(row.copies.size(), 3u);
    } else {
      EXPECT_EQ(row.state, "pruned");
      EXPECT_TRUE(row.copies.empty());
      for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(std::filesystem::exists(dir_ + "/site" + std::to_string(i) + "/" + tenant_.db_name + "/" +
                                             row.id + ".cbk"));
      }
    }
  }
  EXPECT_EQ(complete, 1);
}

TEST_F(BackupServicePg, TheSchedulerBacksUpDueTenantsAndVerifiesOncePerDay) {
  AddSites(3);
  core::Logger logger;
  BackupSchedulerOptions options;
  options.poll = std::chrono::hours(24);  // the test drives the passes
  BackupScheduler scheduler(*backups_, options, logger);
  auto now = std::chrono::system_clock::now();
  EXPECT_GE(scheduler.RunOnce(now), 1);
  auto listed = backups_->List(name_);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().kind, "scheduled");
  EXPECT_TRUE(listed->front().verified_at.has_value());
  // Not due again before its next slot.
  scheduler.RunOnce(now + std::chrono::minutes(1));
  listed = backups_->List(name_);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 1u);
  // A day later (the server was down): caught up at once.
  scheduler.RunOnce(now + std::chrono::hours(30));
  listed = backups_->List(name_);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u);
}

}  // namespace
}  // namespace citadel::platform

namespace citadel::platform {
namespace {

TEST_F(BackupServicePg, RestoreBesideMakesANewTenantWithTheSameDataAndFiles) {
  AddSites(3);
  auto made = backups_->Create(name_, "manual");
  ASSERT_TRUE(made) << made.error().message;
  std::string copy_name = name_ + "-copy";
  auto restored = backups_->RestoreBeside(made->id, copy_name);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(restored->state, "active");
  EXPECT_NE(restored->db_name, tenant_.db_name);
  auto dsn = tenants_->TenantDsn(copy_name);
  ASSERT_TRUE(dsn);
  auto c = db::Connection::Open(*dsn);
  ASSERT_TRUE(c) << c.error().message;
  auto rows = c->Execute("SELECT count(*) AS n, sum(qty) AS q FROM invoice_line");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->Text(0, "n"), "20000");
  // The copy's file is sealed under the copy's own key, not the source's.
  backup::TenantKeyStore keys(dir_ + "/keys", backups_->master(), {});
  auto copy_key = keys.Get(restored->db_name);
  ASSERT_TRUE(copy_key) << copy_key.error().message;
  auto source_key = keys.Get(tenant_.db_name);
  ASSERT_TRUE(source_key);
  EXPECT_NE(copy_key->bytes, source_key->bytes);
  auto read = StoreOf(restored->db_name, copy_key->bytes)->Get(attachment_reference_);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, kAttachment);
  EXPECT_FALSE(StoreOf(restored->db_name, source_key->bytes)->Get(attachment_reference_));
  // The copy belongs to its own role: the source's role cannot reach it.
  auto owner = c->Execute("SELECT tableowner FROM pg_tables WHERE tablename = 'invoice_line'");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->Text(0, "tableowner"), restored->role_name);

  // The name is taken now: a second restore under it fails and leaves nothing.
  auto again = backups_->RestoreBeside(made->id, copy_name);
  ASSERT_FALSE(again);
  auto listed = tenants_->List();
  ASSERT_TRUE(listed);
  int copies = 0;
  for (const auto& t : *listed) copies += t.name == copy_name;
  EXPECT_EQ(copies, 1);
  (void)tenants_->Drop(copy_name);
}

}  // namespace
}  // namespace citadel::platform
