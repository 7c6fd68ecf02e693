// The daily garbage collection of every tenant's file store, run by
// `citadel serve` (the process whose calls write the stores: the collector's
// grace period relies on it, orm/file_store.hpp). A first pass soon after
// start, then one a day: for each active tenant, in a REPEATABLE READ READ
// ONLY transaction on its own pool, the references of every binary column
// are gathered (orm::CollectBinaryReferences) and the tenant's sealed store
// (platform/tenant_file_stores.hpp) removes unreferenced files older than
// an hour. A tenant that fails (no key, a column its schema lacks until
// `citadel tenant upgrade`) is logged and skipped. One thread of its own;
// stopping waits for the tenant being collected.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "orm/registry.hpp"
#include "platform/tenant_file_stores.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::cli {

class FileStoreCollector {
 public:
  FileStoreCollector(platform::TenantService& tenants, platform::TenantFileStores& stores,
                     std::shared_ptr<const orm::Registry> registry,
                     std::chrono::seconds first_delay = std::chrono::seconds(30),
                     std::chrono::seconds period = std::chrono::hours(24));
  ~FileStoreCollector();
  FileStoreCollector(const FileStoreCollector&) = delete;
  FileStoreCollector& operator=(const FileStoreCollector&) = delete;

 private:
  void Run();
  void CollectAll();

  platform::TenantService& tenants_;
  platform::TenantFileStores& stores_;
  std::shared_ptr<const orm::Registry> registry_;
  const std::chrono::seconds first_delay_;
  const std::chrono::seconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace citadel::cli
