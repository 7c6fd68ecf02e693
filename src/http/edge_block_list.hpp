// EdgeBlockList: the sources blocked at the edge after too many failed
// sign-ins across tenants (platform/login_failure_store.hpp decides and
// keeps them in the catalog; the server refreshes this copy every few
// seconds). A blocked source gets 429 with Retry-After before its request is
// routed or its body read. The operator's allow-list ([limits] allow) is
// never blocked, whatever the catalog says.
//
// Thread-safe: Replace from the refresher, RetryAfter from every I/O thread
// (a shared lock and one hash lookup).
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/ip_network.hpp"
#include "http/client_address_key.hpp"

namespace citadel::http {

class EdgeBlockList {
 public:
  explicit EdgeBlockList(std::vector<core::IpNetwork> exempt) : exempt_(std::move(exempt)) {}

  // The whole list: (source, blocked until, Unix seconds).
  void Replace(const std::vector<std::pair<core::IpAddress, std::int64_t>>& blocks);
  // Seconds until the source may come back (>= 1), or nullopt when it is not blocked.
  std::optional<int> RetryAfter(const core::IpAddress& source, std::int64_t now_unix) const;
  std::size_t size() const;

 private:
  const std::vector<core::IpNetwork> exempt_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<core::IpAddress, std::int64_t, IpAddressHash> until_;
};

}  // namespace citadel::http
