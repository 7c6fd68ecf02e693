// PoolGroup: bounded, fair connection pools, one per key (a tenant), under
// one global cap for the whole cluster.
//
// Why both caps: PostgreSQL's max_connections is shared by every database of
// a cluster. The global cap keeps Citadel inside its share; the per-key cap,
// well below it, keeps one busy tenant from taking every connection. When the
// global cap is reached, a pool under its own cap closes another pool's idle
// connection to make room, so idle tenants yield to busy ones. A caller that
// cannot get a connection waits up to acquire_timeout, then gets
// kResourceExhausted (the message says which cap was the limit).
//
// Idle connections older than idle_timeout are closed by ReapIdle() (run by
// the reaper thread, or by tests with a core::FakeClock), so an idle tenant's
// pool shrinks to zero and its entry disappears. A connection that is broken,
// or returned inside a transaction, is discarded instead of reused; so is an
// idle one whose server session ended meanwhile (checked without waiting
// when it is lent), so a caller is not handed a dead connection.
//
// Ownership: the group owns idle connections; a PooledConnection lends one to
// a single caller and gives it back when destroyed. Leases may outlive the
// group (shared state), but are then closed on return. All members of
// PoolGroup are thread-safe; a PooledConnection is used by one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/result.hpp"
#include "db/acquire_gate.hpp"
#include "db/connection.hpp"

namespace citadel::db {

struct PoolLimits {
  int max_total = 80;
  int max_per_pool = 10;
  std::chrono::milliseconds acquire_timeout{5000};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds connect_timeout{10};

  static PoolLimits FromConfig(const core::DatabaseConfig& config);
};

struct PoolStats {
  std::string key;
  int open = 0;     // connections that exist (idle + lent + being opened)
  int in_use = 0;   // lent to a caller, or being opened for one
  int waiting = 0;  // callers waiting for a connection
};

namespace detail {
struct PoolShared;
struct PoolState;
}  // namespace detail

class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept = default;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  Connection& operator*() { return conn_; }
  Connection* operator->() { return &conn_; }
  // Close the connection on return instead of reusing it.
  void Discard() { discard_ = true; }

 private:
  friend class PoolGroup;
  PooledConnection(std::shared_ptr<detail::PoolShared> shared,
                   std::shared_ptr<detail::PoolState> pool, Connection conn,
                   std::uint64_t generation);
  void Return();

  std::shared_ptr<detail::PoolShared> shared_;
  std::shared_ptr<detail::PoolState> pool_;
  Connection conn_;
  std::uint64_t generation_ = 0;
  bool discard_ = false;
  std::thread::id holder_ = std::this_thread::get_id();  // for the gate's count
};

class PoolGroup {
 public:
  // The DSN of a key's connections (for a tenant: its own role and database).
  using DsnResolver = std::function<core::Result<std::string>(const std::string& key)>;
  // Seams for unit tests; the defaults open real connections.
  struct Hooks {
    std::function<core::Result<Connection>(const std::string& dsn)> connect;
    std::function<bool(const Connection&)> reusable;
    // Whether an idle connection may be lent (default: Connection::StillAlive).
    std::function<bool(Connection&)> alive;
  };

  PoolGroup(PoolLimits limits, DsnResolver resolver,
            const core::Clock& clock = core::SystemClock::Instance(), Hooks hooks = {});
  ~PoolGroup();
  PoolGroup(const PoolGroup&) = delete;
  PoolGroup& operator=(const PoolGroup&) = delete;

  core::Result<PooledConnection> Acquire(const std::string& key);

  // Passes every Acquire through `gate` (a switchover's pause, acquire_gate.hpp);
  // call once, before the first Acquire. A paused wait does not count
  // against acquire_timeout: the gate bounds it.
  void UseGate(std::shared_ptr<AcquireGate> gate);
  // Closes every idle connection of every key (the primary is about to move).
  int CloseIdle();

  // Closes connections idle for idle_timeout or longer, and forgets empty
  // pools. Returns how many connections it closed.
  int ReapIdle();
  // Closes `key`'s idle connections and makes its lent ones close on return
  // (a tenant being dropped, or whose password changed).
  void Evict(const std::string& key);

  std::vector<PoolStats> Stats() const;  // one entry per key with a pool
  PoolStats Totals() const;              // key "" : the sums
  const PoolLimits& limits() const;

  // A thread that calls ReapIdle() every `interval` until the group dies.
  void StartReaper(std::chrono::milliseconds interval);

 private:
  core::Result<PooledConnection> AcquireUngated(const std::string& key);

  std::shared_ptr<detail::PoolShared> shared_;
  std::jthread reaper_;
};

}  // namespace citadel::db
