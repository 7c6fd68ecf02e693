// The tenant admin's backups on the platform side, against the harness's
// PostgreSQL and local sites: a desk sees and serves only its own tenant's
// backups (another tenant's id is "does not exist" for every method); a
// backup asked for is queued, listed, completed; the download's announced
// size is the plain .tar's and any range of it is those bytes of the whole;
// restore beside is refused unless the operator allows it. And retention
// per plan: a tenant's plan is stored (migration 10), shown to the scheduler
// (Health) and picks the policy its backups are pruned under.
#include "platform/tenant_backup_desk.hpp"

#include <gtest/gtest.h>

#include "backup/retention_plans.hpp"
#include "platform/backup_download.hpp"
#include "platform/restore_lock.hpp"
#include "platform/tenant_plan.hpp"
#include "platform/testing/backup_pg_test.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;

class TenantBackupDeskPg : public testing::BackupPgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenTenant("dsk"));
    ASSERT_NO_FATAL_FAILURE(OpenBackups(BackupOptionsInTestDir()));
    AddLocalSites(1);
    ASSERT_TRUE(backups_->catalog().SetPolicy({1, 1, "pg test"}));
    rival_ = "dskr" + core::RandomLowerAlnum(6);
    auto rival = tenants_->Create({rival_, "admin", "a long admin password"});
    ASSERT_TRUE(rival) << rival.error().message;
    other_tenants_.push_back(rival_);
    jobs_ = std::make_unique<BackupJobQueue>(*backups_, *tenants_, core::Log(), 4);
    desks_ = std::make_unique<TenantBackupDesks>(
        *backups_, *tenants_, *jobs_,
        [](const std::string& db, const std::string& id, std::int64_t uid, std::int64_t expires) {
          return db + "|" + id + "|" + std::to_string(uid) + "|" + std::to_string(expires);
        });
  }
  void TearDown() override {
    desks_.reset();
    jobs_.reset();
    testing::BackupPgTest::TearDown();
  }
  std::string Backup(const std::string& tenant) {
    auto id = desks_->For(tenant)->CreateNow(2);
    EXPECT_TRUE(id) << id.error().message;
    EXPECT_TRUE(jobs_->WaitIdle(std::chrono::seconds(60)));
    return id ? *id : "";
  }

  std::string rival_;
  std::unique_ptr<BackupJobQueue> jobs_;
  std::unique_ptr<TenantBackupDesks> desks_;
};

TEST_F(TenantBackupDeskPg, ABackupAskedForIsQueuedListedAndComplete) {
  auto desk = desks_->For(name_);
  const std::string id = Backup(name_);
  auto listed = desk->List();
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, id);
  EXPECT_EQ((*listed)[0].kind, "manual");
  EXPECT_EQ((*listed)[0].state, "complete");
  EXPECT_EQ((*listed)[0].sites, std::vector<std::string>{"site0"});
  EXPECT_TRUE((*listed)[0].size.has_value());
  // One job per tenant: a second while the first waits is refused.
  ASSERT_TRUE(jobs_->Submit({BackupJob::Kind::kBackup, name_, NewBackupId(std::chrono::system_clock::now()), 2, ""}));
  auto second = desk->CreateNow(2);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(jobs_->WaitIdle(std::chrono::seconds(60)));
}

TEST_F(TenantBackupDeskPg, AnotherTenantsBackupDoesNotExistForEveryMethod) {
  const std::string mine = Backup(name_);
  auto rival = desks_->For(rival_);
  auto listed = rival->List();
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty());
  auto link = rival->DownloadLink(mine, 2);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(link.error().message, "Backup " + mine + " does not exist.");
  auto restore = rival->RestoreOntoLive(mine, 2);
  ASSERT_FALSE(restore);
  EXPECT_EQ(restore.error().code, ErrorCode::kNotFound);
  auto beside = rival->RestoreBeside(mine, rival_ + "-copy", 2);
  ASSERT_FALSE(beside);
  EXPECT_EQ(beside.error().code, ErrorCode::kNotFound);
  // The same answer as for an id that exists nowhere.
  auto none = rival->DownloadLink("20990101t000000z-000000", 2);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(jobs_->PendingFor(rival_).has_value());
}

TEST_F(TenantBackupDeskPg, TheDownloadsSizeIsTheTarsAndARangeIsThoseBytesOfTheWhole) {
  const std::string id = Backup(name_);
  auto link = desks_->For(name_)->DownloadLink(id, 7);
  ASSERT_TRUE(link) << link.error().message;
  EXPECT_EQ(link->url.rfind("/web/backup/" + id + "?token=" + tenant_.db_name + "|" + id + "|7|", 0), 0u);
  backup::StringSink whole;
  auto exported = backups_->Export(id, whole);
  ASSERT_TRUE(exported) << exported.error().message;
  EXPECT_EQ(whole.data().size(), link->size);
  const std::uint64_t size = link->size;
  for (auto [first, count] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 512}, {size / 3, size / 3}, {size - 1024, 1024}, {0, size}, {size / 2, 1}}) {
    backup::StringSink part;
    auto ranged = ExportRange(*backups_, id, first, count, part);
    ASSERT_TRUE(ranged) << ranged.error().message << " " << first << "+" << count << " of " << size;
    EXPECT_TRUE(part.closed());
    EXPECT_EQ(part.data(), whole.data().substr(first, count)) << first << "+" << count;
  }
}

TEST_F(TenantBackupDeskPg, RestoreBesideIsTheOperatorsUnlessAllowed) {
  const std::string id = Backup(name_);
  auto refused = desks_->For(name_)->RestoreBeside(id, name_ + "-copy", 2);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("hosting provider"), std::string::npos);
  TenantBackupDesks allowing(*backups_, *tenants_, *jobs_, [](auto&&...) { return std::string("t"); },
                             TenantBackupDeskOptions{std::chrono::seconds(60), true});
  auto taken = allowing.For(name_)->RestoreBeside(id, "someone-else", 2);
  ASSERT_FALSE(taken);  // only "<tenant>-..." names
  EXPECT_EQ(taken.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(TenantBackupDeskPg, ATenantsPlanPicksTheRetentionItsBackupsArePrunedUnder) {
  EXPECT_FALSE(SetTenantPlan(*tenants_, name_, "Bad Plan"));
  auto missing = SetTenantPlan(*tenants_, "no-such-tenant", "one");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(SetTenantPlan(*tenants_, name_, "one"));
  EXPECT_EQ(TenantPlan(*tenants_, name_).value_or("?"), "one");
  EXPECT_EQ(TenantPlan(*tenants_, rival_).value_or("?"), "");
  backup::RetentionPlans plans;
  plans.named["one"] = {1, 0, 0};
  auto health = backups_->catalog().Health();
  ASSERT_TRUE(health);
  for (const auto& tenant : *health) {
    if (tenant.tenant == name_) {
      EXPECT_EQ(tenant.plan, "one");
    } else if (tenant.tenant == rival_) {
      EXPECT_EQ(tenant.plan, "");
    }
  }
  // Two backups of today: the plan keeps one, the default (7/4/3) both.
  // The scheduler prunes each tenant under plans.For(its plan).
  EXPECT_EQ(&plans.For(TenantPlan(*tenants_, name_).value_or("?")), &plans.named["one"]);
  EXPECT_EQ(&plans.For(TenantPlan(*tenants_, rival_).value_or("?")), &plans.fallback);
  // Two backups of today under "one" (one a day): the newest stays.
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(backups_->Create(name_, "manual"));
  auto pruned = backups_->Prune(name_, plans.For("one"), std::chrono::system_clock::now());
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(pruned->size(), 1u);
  ASSERT_TRUE(SetTenantPlan(*tenants_, name_, ""));
  EXPECT_EQ(TenantPlan(*tenants_, name_).value_or("?"), "");
}

// Regression: `tenant drop` did not take the restore lock, so a drop could
// run under a restore onto live (whose switch would then fail half-way or
// bring the database back).
TEST_F(TenantBackupDeskPg, ATenantIsNotDroppedWhileItIsBeingRestored) {
  {
    auto restoring = TenantRestoreLock::TryAcquire(*tenants_, tenant_.id);
    ASSERT_TRUE(restoring) << restoring.error().message;
    auto refused = tenants_->Drop(name_);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(refused.error().message.find("restore"), std::string::npos);
    EXPECT_EQ(tenants_->Get(name_).value_or(TenantRecord{}).state, "active");
  }
  auto dropped = tenants_->Drop(name_);
  ASSERT_TRUE(dropped) << dropped.error().message;
  EXPECT_EQ(dropped->state, "dropped");
}

}  // namespace
}  // namespace citadel::platform
