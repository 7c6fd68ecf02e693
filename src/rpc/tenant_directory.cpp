#include "rpc/tenant_directory.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "platform/tenant_name.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::rpc {
namespace {

constexpr std::size_t kMaxRemembered = 4096;

class PlatformTenantDirectory final : public TenantDirectory {
 public:
  PlatformTenantDirectory(platform::TenantService& tenants, std::chrono::seconds remember,
                          const core::Clock& clock)
      : tenants_(tenants), remember_(remember), clock_(clock) {}

  bool IsLive(const std::string& name) override {
    if (platform::TenantNameProblem(name)) return false;
    {
      std::lock_guard lock(mutex_);
      auto it = live_until_.find(name);
      if (it != live_until_.end() && clock_.Now() < it->second) return true;
    }
    auto record = tenants_.Get(name);
    if (!record || record->state != "active") return false;
    std::lock_guard lock(mutex_);
    if (live_until_.size() >= kMaxRemembered) live_until_.clear();
    live_until_[name] = clock_.Now() + remember_;
    return true;
  }

  core::Result<db::PooledConnection> Acquire(const std::string& name) override {
    if (!IsLive(name)) return core::Fail(core::ErrorCode::kNotFound, "no such tenant");
    return tenants_.Acquire(name);
  }

  core::Result<std::vector<std::string>> LiveNames() override {
    auto records = tenants_.List();
    if (!records) return core::Unexpected(records.error());
    std::vector<std::string> names;
    for (const auto& record : *records) {
      if (record.state == "active") names.push_back(record.name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  platform::TenantService& tenants_;
  const std::chrono::seconds remember_;
  const core::Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, core::Clock::TimePoint> live_until_;
};

}  // namespace

std::unique_ptr<TenantDirectory> MakePlatformTenantDirectory(platform::TenantService& tenants,
                                                             std::chrono::seconds remember,
                                                             const core::Clock& clock) {
  return std::make_unique<PlatformTenantDirectory>(tenants, remember, clock);
}

}  // namespace citadel::rpc
