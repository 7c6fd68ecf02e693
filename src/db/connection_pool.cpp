#include "db/connection_pool.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <stop_token>

namespace citadel::db {
namespace detail {

struct IdleConnection {
  Connection conn;
  core::Clock::TimePoint since;
};

struct PoolState {
  std::string key;
  std::deque<IdleConnection> idle;  // front: most recently returned
  int open = 0;
  int in_use = 0;
  int waiting = 0;
  std::uint64_t generation = 0;  // bumped by Evict: older leases close on return
};

struct PoolShared {
  PoolLimits limits;
  PoolGroup::DsnResolver resolver;
  const core::Clock* clock = nullptr;
  PoolGroup::Hooks hooks;
  std::shared_ptr<AcquireGate> gate;

  mutable std::mutex mutex;
  std::condition_variable_any changed;
  std::map<std::string, std::shared_ptr<PoolState>> pools;
  int total_open = 0;
  bool closing = false;

  // Takes the oldest idle connection of a pool other than `except`, so a pool
  // under its own cap can open one when the global cap is reached.
  std::optional<Connection> StealIdle(const PoolState* except) {
    PoolState* victim = nullptr;
    for (auto& [key, pool] : pools) {
      if (pool.get() == except || pool->idle.empty()) continue;
      if (victim == nullptr || pool->idle.back().since < victim->idle.back().since) {
        victim = pool.get();
      }
    }
    if (victim == nullptr) return std::nullopt;
    Connection conn = std::move(victim->idle.back().conn);
    victim->idle.pop_back();
    --victim->open;
    --total_open;
    return conn;
  }
};

}  // namespace detail

PoolLimits PoolLimits::FromConfig(const core::DatabaseConfig& config) {
  PoolLimits l;
  l.max_total = config.max_connections_total;
  l.max_per_pool = config.max_connections_per_tenant;
  l.acquire_timeout = std::chrono::milliseconds(config.acquire_timeout_ms);
  l.idle_timeout = std::chrono::seconds(config.pool_idle_seconds);
  return l;
}

PooledConnection::PooledConnection(std::shared_ptr<detail::PoolShared> shared,
                                   std::shared_ptr<detail::PoolState> pool, Connection conn,
                                   std::uint64_t generation)
    : shared_(std::move(shared)), pool_(std::move(pool)), conn_(std::move(conn)),
      generation_(generation) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    Return();
    shared_ = std::move(other.shared_);
    pool_ = std::move(other.pool_);
    conn_ = std::move(other.conn_);
    generation_ = other.generation_;
    discard_ = other.discard_;
    holder_ = other.holder_;
  }
  return *this;
}

PooledConnection::~PooledConnection() { Return(); }

void PooledConnection::Return() {
  if (!shared_) return;
  auto shared = std::move(shared_);
  auto pool = std::move(pool_);
  // Decided before taking the lock: the check may look at the socket state.
  const bool reusable = !discard_ && shared->hooks.reusable(conn_);
  std::optional<Connection> to_close;
  {
    std::lock_guard lock(shared->mutex);
    --pool->in_use;
    if (reusable && !shared->closing && generation_ == pool->generation) {
      pool->idle.push_front({std::move(conn_), shared->clock->Now()});
    } else {
      --pool->open;
      --shared->total_open;
      to_close.emplace(std::move(conn_));
    }
  }
  shared->changed.notify_all();
  if (shared->gate) shared->gate->Leave(holder_);
  // `to_close` is closed here, outside the lock (PQfinish may write to a socket).
}

PoolGroup::PoolGroup(PoolLimits limits, DsnResolver resolver, const core::Clock& clock,
                     Hooks hooks)
    : shared_(std::make_shared<detail::PoolShared>()) {
  shared_->limits = limits;
  shared_->resolver = std::move(resolver);
  shared_->clock = &clock;
  if (!hooks.connect) {
    hooks.connect = [timeout = limits.connect_timeout](const std::string& dsn) {
      return Connection::Open(dsn, timeout);
    };
  }
  if (!hooks.reusable) hooks.reusable = [](const Connection& c) { return c.IsReusable(); };
  if (!hooks.alive) hooks.alive = [](Connection& c) { return c.StillAlive(); };
  shared_->hooks = std::move(hooks);
}

PoolGroup::~PoolGroup() {
  if (reaper_.joinable()) {
    reaper_.request_stop();
    shared_->changed.notify_all();
    reaper_.join();
  }
  std::vector<Connection> to_close;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->closing = true;
    for (auto& [key, pool] : shared_->pools) {
      for (auto& idle : pool->idle) to_close.push_back(std::move(idle.conn));
      shared_->total_open -= static_cast<int>(pool->idle.size());
      pool->open -= static_cast<int>(pool->idle.size());
      pool->idle.clear();
    }
  }
  shared_->changed.notify_all();
}

const PoolLimits& PoolGroup::limits() const { return shared_->limits; }

void PoolGroup::UseGate(std::shared_ptr<AcquireGate> gate) { shared_->gate = std::move(gate); }

core::Result<PooledConnection> PoolGroup::Acquire(const std::string& key) {
  if (!shared_->gate) return AcquireUngated(key);
  shared_->gate->Enter();
  auto lease = AcquireUngated(key);
  if (!lease) shared_->gate->Leave(std::this_thread::get_id());
  return lease;
}

int PoolGroup::CloseIdle() {
  auto& s = *shared_;
  std::vector<Connection> to_close;
  {
    std::lock_guard lock(s.mutex);
    for (auto& [key, pool] : s.pools) {
      for (auto& idle : pool->idle) to_close.push_back(std::move(idle.conn));
      pool->open -= static_cast<int>(pool->idle.size());
      s.total_open -= static_cast<int>(pool->idle.size());
      pool->idle.clear();
    }
  }
  if (!to_close.empty()) s.changed.notify_all();
  return static_cast<int>(to_close.size());
}

core::Result<PooledConnection> PoolGroup::AcquireUngated(const std::string& key) {
  auto& s = *shared_;
  const auto deadline = std::chrono::steady_clock::now() + s.limits.acquire_timeout;
  std::unique_lock lock(s.mutex);
  auto& slot = s.pools[key];
  if (!slot) {
    slot = std::make_shared<detail::PoolState>();
    slot->key = key;
  }
  std::shared_ptr<detail::PoolState> pool = slot;
  bool global_cap_hit = false;
  for (;;) {
    if (s.closing) return core::Fail(core::ErrorCode::kUnavailable, "the pool is shutting down");
    if (!pool->idle.empty()) {
      Connection conn = std::move(pool->idle.front().conn);
      pool->idle.pop_front();
      ++pool->in_use;
      const std::uint64_t generation = pool->generation;
      // Checked outside the lock: the check waits for the answer to the
      // connection's last COMMIT and polls its socket, and under the lock that
      // wait made every other acquire and return wait too (the pool's mutex was
      // the most contended of a read's, seen in perf at concurrency 8).
      lock.unlock();
      if (s.hooks.alive(conn)) return PooledConnection(shared_, pool, std::move(conn), generation);
      {
        // Its session ended while it was idle: closed (outside the lock), and the next tried.
        Connection dead = std::move(conn);
      }
      lock.lock();
      --pool->in_use;
      --pool->open;
      --s.total_open;
      s.changed.notify_all();  // a slot opened for whoever waits at a cap
      continue;
    }
    if (pool->open < s.limits.max_per_pool) {
      std::optional<Connection> stolen;
      if (s.total_open >= s.limits.max_total) stolen = s.StealIdle(pool.get());
      if (s.total_open < s.limits.max_total) {
        ++pool->open;
        ++pool->in_use;
        ++s.total_open;
        const std::uint64_t generation = pool->generation;
        lock.unlock();
        stolen.reset();
        core::Result<Connection> conn = [&]() -> core::Result<Connection> {
          auto dsn = s.resolver(key);
          if (!dsn) return core::Unexpected(dsn.error());
          return s.hooks.connect(*dsn);
        }();
        if (!conn) {
          lock.lock();
          --pool->open;
          --pool->in_use;
          --s.total_open;
          lock.unlock();
          s.changed.notify_all();
          return core::Unexpected(conn.error());
        }
        return PooledConnection(shared_, pool, std::move(*conn), generation);
      }
      global_cap_hit = true;
    }
    ++pool->waiting;
    const bool timed_out =
        s.changed.wait_until(lock, deadline) == std::cv_status::timeout;
    --pool->waiting;
    if (timed_out) {
      std::string which = global_cap_hit ? "the cluster-wide cap of " +
                                               std::to_string(s.limits.max_total)
                                         : "the per-tenant cap of " +
                                               std::to_string(s.limits.max_per_pool);
      return core::Fail(core::ErrorCode::kResourceExhausted,
                        "no database connection free within " +
                            std::to_string(s.limits.acquire_timeout.count()) + " ms (" + which +
                            " connections is reached)");
    }
  }
}

int PoolGroup::ReapIdle() {
  auto& s = *shared_;
  std::vector<Connection> to_close;
  {
    std::lock_guard lock(s.mutex);
    const auto cutoff = s.clock->Now() - s.limits.idle_timeout;
    for (auto it = s.pools.begin(); it != s.pools.end();) {
      auto& pool = *it->second;
      while (!pool.idle.empty() && pool.idle.back().since <= cutoff) {
        to_close.push_back(std::move(pool.idle.back().conn));
        pool.idle.pop_back();
        --pool.open;
        --s.total_open;
      }
      if (pool.open == 0 && pool.waiting == 0) {
        it = s.pools.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (!to_close.empty()) s.changed.notify_all();
  return static_cast<int>(to_close.size());
}

void PoolGroup::Evict(const std::string& key) {
  auto& s = *shared_;
  std::vector<Connection> to_close;
  {
    std::lock_guard lock(s.mutex);
    auto it = s.pools.find(key);
    if (it == s.pools.end()) return;
    auto& pool = *it->second;
    ++pool.generation;
    for (auto& idle : pool.idle) to_close.push_back(std::move(idle.conn));
    pool.open -= static_cast<int>(pool.idle.size());
    s.total_open -= static_cast<int>(pool.idle.size());
    pool.idle.clear();
  }
  s.changed.notify_all();
}

std::vector<PoolStats> PoolGroup::Stats() const {
  std::lock_guard lock(shared_->mutex);
  std::vector<PoolStats> out;
  out.reserve(shared_->pools.size());
  for (const auto& [key, pool] : shared_->pools) {
    out.push_back({key, pool->open, pool->in_use, pool->waiting});
  }
  return out;
}

PoolStats PoolGroup::Totals() const {
  PoolStats total;
  for (const auto& p : Stats()) {
    total.open += p.open;
    total.in_use += p.in_use;
    total.waiting += p.waiting;
  }
  return total;
}

void PoolGroup::StartReaper(std::chrono::milliseconds interval) {
  if (reaper_.joinable()) return;
  reaper_ = std::jthread([this, interval](std::stop_token stop) {
    std::mutex m;
    std::unique_lock lock(m);
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      wake.wait_for(lock, stop, interval, [] { return false; });
      if (stop.stop_requested()) break;
      ReapIdle();
    }
  });
}

}  // namespace citadel::db
