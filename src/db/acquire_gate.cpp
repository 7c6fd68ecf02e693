#include "db/acquire_gate.hpp"

namespace citadel::db {
namespace {

// Leases the current thread holds through any gate: a thread with one out is
// finishing work already started, so it is never held (it would otherwise
// wait for a drain that waits for it).
thread_local int gate_leases_held_by_this_thread = 0;

}  // namespace

void AcquireGate::Pause(Clock::time_point until) {
  {
    std::lock_guard lock(mutex_);
    until_ = until;
  }
  changed_.notify_all();
}

void AcquireGate::Resume() {
  {
    std::lock_guard lock(mutex_);
    until_.reset();
  }
  changed_.notify_all();
}

bool AcquireGate::paused() const {
  std::lock_guard lock(mutex_);
  return PausedLocked(Clock::now());
}

int AcquireGate::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

void AcquireGate::Enter() {
  std::unique_lock lock(mutex_);
  if (gate_leases_held_by_this_thread == 0) {
    while (until_ && Clock::now() < *until_) {
      changed_.wait_until(lock, *until_);
    }
  }
  ++active_;
  ++gate_leases_held_by_this_thread;
}

void AcquireGate::Leave(std::thread::id holder) {
  {
    std::lock_guard lock(mutex_);
    --active_;
  }
  if (holder == std::this_thread::get_id() && gate_leases_held_by_this_thread > 0) {
    --gate_leases_held_by_this_thread;
  }
  changed_.notify_all();
}

bool AcquireGate::WaitDrained(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] {
    return PausedLocked(Clock::now()) && active_ == 0;
  });
}

}  // namespace citadel::db
