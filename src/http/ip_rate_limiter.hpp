// Requests per second per client IP: a token bucket per client, refilled at
// `requests_per_second` up to `burst`. A refused request learns how many whole
// seconds to wait (for Retry-After, at least 1).
//
// The table is bounded: buckets that have refilled completely carry no
// information and are dropped as they are met, and when the table is full the
// least recently seen client is dropped, so a flood of source addresses costs
// at most `max_tracked_clients` entries. Clients in `exempt` are never counted.
// Time comes from a core::Clock, so tests drive it with FakeClock.
//
// Thread-safe (one mutex; each call is a few hash-map operations).
// The Clock must outlive the limiter.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/ip_network.hpp"
#include "http/client_address_key.hpp"

namespace citadel::http {

struct RateLimitDecision {
  bool allowed = true;
  int retry_after_seconds = 0;  // when refused: >= 1
};

class IpRateLimiter {
 public:
  struct Options {
    double requests_per_second = 50;  // <= 0 turns the limit off
    double burst = 100;               // below 1 counts as 1
    std::vector<core::IpNetwork> exempt;
    std::size_t max_tracked_clients = 100'000;
  };

  IpRateLimiter(Options options, const core::Clock& clock);

  RateLimitDecision Check(const core::IpAddress& client);

  std::size_t tracked_clients() const;

 private:
  struct Bucket {
    core::IpAddress key;
    double tokens = 0;
    core::Clock::TimePoint updated;
  };
  bool IsFull(const Bucket& bucket, core::Clock::TimePoint now) const;
  void DropIdleBuckets(core::Clock::TimePoint now);

  const Options options_;
  const core::Clock& clock_;
  mutable std::mutex mutex_;
  std::list<Bucket> recent_;  // most recently seen first
  std::unordered_map<core::IpAddress, std::list<Bucket>::iterator, IpAddressHash> by_key_;
};

}  // namespace citadel::http
