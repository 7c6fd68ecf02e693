// The time seam: code that decides by time (rate limits, timeouts, expiry)
// takes a Clock&, so unit tests drive it with FakeClock instead of sleeping.
// SystemClock is stateless and thread-safe; FakeClock is thread-safe too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace citadel::core {

class Clock {
 public:
  using Duration = std::chrono::nanoseconds;
  using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;
  virtual ~Clock() = default;
  // Monotonic time: for intervals, never for calendar dates.
  virtual TimePoint Now() const = 0;
  // Wall-clock time as Unix seconds: for records and expiry dates.
  virtual std::int64_t UnixSeconds() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  std::int64_t UnixSeconds() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // Never destroyed: a thread still running while the process exits (a
  // connection pool's reaper in a test binary whose suite kept its services)
  // must not call a clock that static destruction has already torn down
  // (ASan saw exactly that: "invalid vptr" in PoolGroup::ReapIdle at exit).
  static SystemClock& Instance() {
    static SystemClock* const clock = new SystemClock();
    return *clock;
  }
};

class FakeClock final : public Clock {
 public:
  TimePoint Now() const override { return TimePoint(Duration(nanos_.load())); }
  std::int64_t UnixSeconds() const override { return unix_base_ + nanos_.load() / 1'000'000'000; }
  void Advance(Duration d) { nanos_ += d.count(); }

 private:
  std::atomic<std::int64_t> nanos_{1'000'000'000};
  std::int64_t unix_base_ = 1'790'000'000;
};

}  // namespace citadel::core
