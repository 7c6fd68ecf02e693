#include "http/ip_rate_limiter.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "http/forwarded_for.hpp"

namespace citadel::http {
namespace {

double SecondsBetween(core::Clock::TimePoint from, core::Clock::TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

IpRateLimiter::IpRateLimiter(Options options, const core::Clock& clock)
    : options_([&] {
        options.burst = std::max(options.burst, 1.0);
        options.max_tracked_clients = std::max<std::size_t>(options.max_tracked_clients, 1);
        return std::move(options);
      }()),
      clock_(clock) {}

bool IpRateLimiter::IsFull(const Bucket& bucket, core::Clock::TimePoint now) const {
  return bucket.tokens + SecondsBetween(bucket.updated, now) * options_.requests_per_second >=
         options_.burst;
}

void IpRateLimiter::DropIdleBuckets(core::Clock::TimePoint now) {
  // Least recently seen first; stopping at the first busy bucket keeps each
  // call O(1) amortised, and the hard cap below bounds the rest.
  while (!recent_.empty() && IsFull(recent_.back(), now)) {
    by_key_.erase(recent_.back().key);
    recent_.pop_back();
  }
}

RateLimitDecision IpRateLimiter::Check(const core::IpAddress& client) {
  if (options_.requests_per_second <= 0 || IsInAnyNetwork(client, options_.exempt)) {
    return {};
  }
  const core::IpAddress key = ClientKeyOf(client);
  const auto now = clock_.Now();
  std::lock_guard lock(mutex_);
  DropIdleBuckets(now);
  auto found = by_key_.find(key);
  if (found == by_key_.end()) {
    if (by_key_.size() >= options_.max_tracked_clients) {
      by_key_.erase(recent_.back().key);
      recent_.pop_back();
    }
    recent_.push_front(Bucket{key, options_.burst, now});
    found = by_key_.emplace(key, recent_.begin()).first;
  } else {
    recent_.splice(recent_.begin(), recent_, found->second);
  }
  Bucket& bucket = *found->second;
  bucket.tokens = std::min(options_.burst, bucket.tokens + SecondsBetween(bucket.updated, now) *
                                                               options_.requests_per_second);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return {};
  }
  // Capped at a day so that a tiny configured rate cannot overflow the int.
  double wait = std::min((1 - bucket.tokens) / options_.requests_per_second, 86'400.0);
  return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

std::size_t IpRateLimiter::tracked_clients() const {
  std::lock_guard lock(mutex_);
  return by_key_.size();
}

}  // namespace citadel::http
