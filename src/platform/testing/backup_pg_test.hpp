// BackupPgTest: what the backup pg tests share (platform_pgtest) — the
// catalog's TenantService on the harness's PostgreSQL, a test directory, a
// fresh tenant, a BackupService keeping its keys and master key in that
// directory, local sites in it; and a TearDown that leaves the catalog as it
// found it (sites are the whole catalog's: each test starts with none).
//
// Call the Open* helpers from SetUp under ASSERT_NO_FATAL_FAILURE.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "platform/backup_service.hpp"
#include "platform/tenant_service.hpp"
#include "platform/testing/catalog_pg_test.hpp"

namespace citadel::platform::testing {

class BackupPgTest : public ::testing::Test {
 protected:
  // tenants_, dir_ ("<prefix>-..."), name_ ("<prefix><6 random>") and tenant_.
  void OpenTenant(const std::string& prefix) {
    ASSERT_NO_FATAL_FAILURE(OpenTestCatalog(tenants_));
    dir_ = db::testing::MakeTestDataDir(prefix + "-");
    name_ = prefix + core::RandomLowerAlnum(6);
    auto tenant = tenants_->Create({name_, "admin", "a long admin password"});
    ASSERT_TRUE(tenant) << tenant.error().message;
    tenant_ = *tenant;
  }

  // Keys and a new master key under dir_; no file store unless a test sets one.
  BackupServiceOptions BackupOptionsInTestDir() const {
    BackupServiceOptions options;
    options.key_directory = dir_ + "/keys";
    options.master_key_path = dir_ + "/master.key";
    options.create_master_key = true;
    return options;
  }

  void OpenBackups(const BackupServiceOptions& options) {
    backups_.reset();
    auto service = BackupService::Open(*tenants_, options);
    ASSERT_TRUE(service) << service.error().message;
    backups_ = std::move(*service);
  }

  // "site<i>" in dir_/site<i>, regions alternating eu-west / us-east.
  void AddLocalSites(int count) {
    for (int i = 0; i < count; ++i) {
      SiteRow row{"site" + std::to_string(i), "local", i % 2 == 0 ? "eu-west" : "us-east", SiteDir(i), "", "", ""};
      auto added = backups_->catalog().AddSite(row);
      ASSERT_TRUE(added) << added.error().message;
    }
  }
  std::string SiteDir(int i) const { return dir_ + "/site" + std::to_string(i); }

  void TearDown() override {
    if (backups_) {
      auto sites = backups_->catalog().ListSites();
      if (sites) {
        for (const auto& site : *sites) (void)backups_->catalog().RemoveSite(site.name, true);
      }
      (void)backups_->catalog().SetPolicy(SitePolicy{});
    }
    backups_.reset();
    if (tenants_) {
      (void)tenants_->Drop(name_);
      for (const auto& other : other_tenants_) (void)tenants_->Drop(other);
    }
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<TenantService> tenants_;
  std::unique_ptr<BackupService> backups_;
  std::string dir_;
  std::string name_;
  TenantRecord tenant_;
  // Tenants a test made besides name_ (restored beside, say): dropped too.
  std::vector<std::string> other_tenants_;
};

}  // namespace citadel::platform::testing
