#include "http/edge_block_list.hpp"

#include <algorithm>
#include <mutex>

#include "http/forwarded_for.hpp"

namespace citadel::http {

void EdgeBlockList::Replace(const std::vector<std::pair<core::IpAddress, std::int64_t>>& blocks) {
  std::unordered_map<core::IpAddress, std::int64_t, IpAddressHash> fresh;
  for (const auto& [source, until] : blocks) {
    if (!IsInAnyNetwork(source, exempt_)) fresh[source] = std::max(fresh[source], until);
  }
  std::unique_lock lock(mutex_);
  until_.swap(fresh);
}

std::optional<int> EdgeBlockList::RetryAfter(const core::IpAddress& source,
                                             std::int64_t now_unix) const {
  std::shared_lock lock(mutex_);
  auto it = until_.find(source);
  if (it == until_.end() || it->second <= now_unix) return std::nullopt;
  return static_cast<int>(std::max<std::int64_t>(1, it->second - now_unix));
}

std::size_t EdgeBlockList::size() const {
  std::shared_lock lock(mutex_);
  return until_.size();
}

}  // namespace citadel::http
