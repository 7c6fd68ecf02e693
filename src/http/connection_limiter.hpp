// Open connections, in total and per client IP (an IPv6 client by its /64).
//
// TryAdmit() hands out a Slot that holds the connection's place until it is
// destroyed, so a connection cannot forget to give it back, whatever path
// closes it. Clients in `exempt` (the allow-list, trusted proxies) count toward
// the total but not toward a per-client cap. The per-client table holds only
// clients with an open connection, so its size is bounded by `max_total`.
//
// Thread-safe. The limiter must outlive every Slot it handed out.
#pragma once

#include <cstddef>
#include <expected>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/ip_network.hpp"
#include "http/client_address_key.hpp"

namespace citadel::http {

enum class ConnectionRefusal { kTotalLimit, kPerClientLimit };

class ConnectionLimiter {
 public:
  struct Options {
    std::size_t max_total = 4096;
    std::size_t max_per_client = 64;
    std::vector<core::IpNetwork> exempt;
  };

  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class ConnectionLimiter;
    Slot(ConnectionLimiter* limiter, const core::IpAddress& key, bool per_client)
        : limiter_(limiter), key_(key), per_client_(per_client) {}
    void Release();

    ConnectionLimiter* limiter_;
    core::IpAddress key_;
    bool per_client_;
  };

  explicit ConnectionLimiter(Options options) : options_(std::move(options)) {}

  std::expected<Slot, ConnectionRefusal> TryAdmit(const core::IpAddress& client);

  std::size_t open_total() const;
  std::size_t open_for(const core::IpAddress& client) const;
  std::size_t tracked_clients() const;

 private:
  void Release(const core::IpAddress& key, bool per_client);

  const Options options_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<core::IpAddress, std::size_t, IpAddressHash> per_client_;
};

}  // namespace citadel::http
