// ClusterPrimaryAccess: how Citadel reaches the high-availability cluster —
// always its current primary. A db::ClusterAccess whose DSNs name the member
// Patroni's REST API reports as leader (asked at most once a second, cached),
// with target_session_attrs=read-write so a connection never lands on a
// demoted member; when no leader is known (mid-failover) they name every
// member and libpq tries them in turn — or, with a primary wait, first wait
// (bounded) for Patroni to name a healthy primary. TCP keepalives and tcp_user_timeout
// make a lost host's connections fail in seconds.
//
// Why not only libpq's multi-host DSN: libpq moves to the next host when a
// connection fails, but not when a connected server refuses the startup — a
// standby that has not yet replayed a just-created database answers "database
// does not exist", and libpq gives up instead of trying the primary (seen:
// `serve`'s catalog right after CREATE DATABASE, with member-0 a standby).
//
// Pools ask for a DSN each time they open a connection, so after a failover
// new connections go to the new primary. Thread-safe; DSNs hold passwords:
// never log them.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "db/cluster_access.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

class ClusterPrimaryAccess final : public db::ClusterAccess {
 public:
  // `primary_wait` > 0: while no healthy primary is known (mid-failover),
  // opening a connection waits for one, asking Patroni every 250 ms, up to
  // this long, instead of failing at once ([cluster] primary_wait_seconds).
  ClusterPrimaryAccess(ClusterTopology topology, ClusterCredentials credentials,
                       std::chrono::milliseconds primary_wait = std::chrono::milliseconds(0));

  std::string name() const override { return "default"; }
  std::string MaintenanceDatabase() const override { return "postgres"; }
  std::string ProvisioningDsn(std::string_view dbname) const override;
  std::string LoginDsn(std::string_view dbname, std::string_view role,
                       std::string_view password) const override;

  // Drops the cached leader: the next DSN asks Patroni again (a switchover
  // just moved the primary; without this, up to a second of new connections
  // would go to the old one and be refused as read-only).
  void ForgetLeader() const;
  void ConnectFailed() const override { ForgetLeader(); }

 private:
  // host and port options: the leader's, or every member's.
  db::ConnInfo Locate() const;
  // The running leader Patroni names; with a primary wait, only if its own
  // REST API also says it is the primary (a lost leader's key outlives it
  // by up to ttl, and Patroni names it meanwhile).
  std::optional<std::pair<std::string, int>> FindLeader() const;

  const ClusterTopology topology_;
  const ClusterCredentials credentials_;
  const std::chrono::milliseconds primary_wait_;
  mutable std::timed_mutex mutex_;
  mutable std::chrono::steady_clock::time_point checked_at_{};
  mutable std::optional<std::pair<std::string, int>> leader_;
};

}  // namespace citadel::platform
