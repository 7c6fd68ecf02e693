#include "cli/file_store_collector.hpp"

#include <exception>

#include "core/logger.hpp"
#include "orm/binary_field.hpp"
#include "orm/environment.hpp"

namespace citadel::cli {
namespace {

constexpr std::int64_t kCollectorUid = 1;  // base.user_root: reads every row

// One tenant: the live references and the removal, in one read-only
// snapshot (the store's grace period covers calls not committed in it).
core::Result<orm::GarbageReport> CollectTenantFiles(platform::TenantService& tenants,
                                                    platform::TenantFileStores& stores,
                                                    const std::shared_ptr<const orm::Registry>& registry,
                                                    const platform::TenantRecord& tenant) {
  auto connection = tenants.Acquire(tenant.name);
  if (!connection) return core::Unexpected(connection.error());
  if (auto begun = (*connection)->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) {
    return core::Unexpected(begun.error());
  }
  core::Result<orm::GarbageReport> report = core::Fail(core::ErrorCode::kInternal, "not collected");
  try {
    const orm::Environment env = orm::Environment(registry, **connection, kCollectorUid).Sudo();
    report = orm::CollectFileStoreGarbage(env, stores.For(tenant.db_name));
  } catch (const std::exception& e) {
    report = core::Fail(core::ErrorCode::kInternal, e.what());
  }
  if (!(*connection)->Execute("ROLLBACK") || !(*connection)->IsReusable()) connection->Discard();
  return report;
}

}  // namespace

FileStoreCollector::FileStoreCollector(platform::TenantService& tenants, platform::TenantFileStores& stores,
                                       std::shared_ptr<const orm::Registry> registry,
                                       std::chrono::seconds first_delay, std::chrono::seconds period)
    : tenants_(tenants),
      stores_(stores),
      registry_(std::move(registry)),
      first_delay_(first_delay),
      period_(period),
      thread_([this] { Run(); }) {}

FileStoreCollector::~FileStoreCollector() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void FileStoreCollector::Run() {
  std::unique_lock lock(mutex_);
  auto wait = first_delay_;
  while (!wake_.wait_for(lock, wait, [this] { return stop_; })) {
    lock.unlock();
    CollectAll();
    lock.lock();
    wait = period_;
  }
}

void FileStoreCollector::CollectAll() {
  auto& log = core::Log();
  auto tenants = tenants_.List();
  if (!tenants) {
    log.Error("file store garbage collection cannot list the tenants", {{"error", tenants.error().message}});
    return;
  }
  for (const auto& tenant : *tenants) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    if (tenant.state != "active") continue;
    auto report = CollectTenantFiles(tenants_, stores_, registry_, tenant);
    if (!report) {
      log.Error("file store garbage collection failed for a tenant",
                {{"tenant", tenant.name}, {"error", report.error().message}});
      continue;
    }
    log.Info("file store garbage collected",
             {{"tenant", tenant.name},
              {"kept", static_cast<long long>(report->kept)},
              {"young", static_cast<long long>(report->young)},
              {"removed", static_cast<long long>(report->removed)},
              {"temporaries_removed", static_cast<long long>(report->temporaries_removed)},
              {"failures", static_cast<long long>(report->failures)}});
  }
}

}  // namespace citadel::cli
