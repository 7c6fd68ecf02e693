// AcquireGate: lets Citadel hold new database work for a short, bounded time
// — while a planned switchover moves the primary — without failing it.
//
// Every PoolGroup that uses the gate passes each Acquire through Enter() and
// each returned lease through Leave(), so the gate knows how many leases are
// out (`active()`). Pause(until) makes new Enter()s wait until Resume() or
// `until`, whichever is first; leases already out are not touched, and a
// thread that already holds a lease passes at once (it is finishing work in
// progress, which may need a second connection: the catalog and a tenant's).
// The pause is always bounded: if whoever paused disappears, work resumes at
// `until`.
//
// The "already holds a lease" test is per thread: a lease returned on
// another thread than the one that took it still counts back in, but leaves
// its first thread passing the gate (no code moves leases between threads).
//
// Drained means paused with no lease out: WaitDrained() returns whether that
// happened before its deadline.
//
// Thread-safe. Shared (shared_ptr) by the pool groups and whoever pauses.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace citadel::db {

class AcquireGate {
 public:
  using Clock = std::chrono::steady_clock;

  void Pause(Clock::time_point until);
  void Resume();
  bool paused() const;
  int active() const;

  // Waits while paused (at most until the pause ends), then counts a lease.
  void Enter();
  // Counts a lease back in; `holder` is the thread that entered with it.
  void Leave(std::thread::id holder);

  // True once paused with no lease out, false at `deadline` (or if not paused).
  bool WaitDrained(Clock::time_point deadline);

 private:
  bool PausedLocked(Clock::time_point now) const { return until_ && now < *until_; }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Clock::time_point> until_;
  int active_ = 0;
};

}  // namespace citadel::db
