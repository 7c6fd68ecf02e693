#include "platform/cluster_primary_access.hpp"

#include <thread>

#include "platform/patroni_client.hpp"

namespace citadel::platform {
namespace {

constexpr auto kLeaderCacheTime = std::chrono::seconds(1);
constexpr auto kLeaderRestTimeout = std::chrono::milliseconds(500);
constexpr auto kPrimaryPollInterval = std::chrono::milliseconds(250);

}  // namespace

ClusterPrimaryAccess::ClusterPrimaryAccess(ClusterTopology topology, ClusterCredentials credentials,
                                           std::chrono::milliseconds primary_wait)
    : topology_(std::move(topology)), credentials_(std::move(credentials)),
      primary_wait_(primary_wait) {}

void ClusterPrimaryAccess::ForgetLeader() const {
  std::lock_guard lock(mutex_);
  leader_.reset();
}

std::optional<std::pair<std::string, int>> ClusterPrimaryAccess::FindLeader() const {
  auto view = FetchPatroniCluster(topology_, kLeaderRestTimeout);
  if (!view) return std::nullopt;
  for (const auto& m : view->members) {
    if (m.role != "leader" || m.state != "running" || m.host.empty() || m.port <= 0) continue;
    if (primary_wait_.count() > 0) {
      int rest_port = 0;
      for (const auto& plan : topology_.members)
        if (plan.name == m.name) rest_port = plan.rest_port;
      // 200 only from a running primary holding the leader key.
      if (rest_port == 0 || !HttpGet(topology_.address, rest_port, "/primary", kLeaderRestTimeout,
                                          PatroniRestTls(topology_)))
        return std::nullopt;
    }
    return std::make_pair(m.host, m.port);
  }
  return std::nullopt;
}

db::ConnInfo ClusterPrimaryAccess::Locate() const {
  const auto deadline = std::chrono::steady_clock::now() + primary_wait_;
  std::optional<std::pair<std::string, int>> leader;
  std::unique_lock lock(mutex_, std::defer_lock);
  // Under the lock: one round of REST calls at a time however many
  // connections are being opened; those waiting behind it then hit the cache.
  bool locked = true;
  if (primary_wait_.count() == 0) {
    lock.lock();
  } else {
    locked = lock.try_lock_until(deadline);
  }
  if (locked) {
    for (;;) {
      const auto now = std::chrono::steady_clock::now();
      if (leader_ && now - checked_at_ < kLeaderCacheTime) {
        leader = leader_;
        break;
      }
      leader_ = FindLeader();
      checked_at_ = now;
      leader = leader_;
      if (leader || std::chrono::steady_clock::now() >= deadline) break;
      // Mid-failover: wait for the new primary rather than fail the call.
      lock.unlock();
      std::this_thread::sleep_for(kPrimaryPollInterval);
      if (!lock.try_lock_until(deadline)) break;
    }
  }
  std::string hosts, ports;
  if (leader) {
    hosts = leader->first;
    ports = std::to_string(leader->second);
  } else {
    for (const auto& m : topology_.members) {
      hosts += (hosts.empty() ? "" : ",") + topology_.address;
      ports += (ports.empty() ? "" : ",") + std::to_string(m.postgres_port);
    }
  }
  // A lost host sends no FIN: without keepalives a pooled connection to it
  // looks alive, and a call waiting on it waits for TCP's retransmissions
  // (minutes). Probed after 5 s idle, every 2 s, dead after 3 unanswered
  // (~11 s); unacknowledged data gives up after 10 s. A long query is not
  // cut: the server's kernel answers the probes while it computes.
  db::ConnInfo info{{"host", hosts},
          {"port", ports},
          {"target_session_attrs", "read-write"},
          {"connect_timeout", "2"},
          {"keepalives", "1"},
          {"keepalives_idle", "5"},
          {"keepalives_interval", "2"},
          {"keepalives_count", "3"},
          {"tcp_user_timeout", "10000"}};
  for (auto& option : ClusterSslOptions(topology_)) info.push_back(std::move(option));
  return info;
}

std::string ClusterPrimaryAccess::ProvisioningDsn(std::string_view dbname) const {
  db::ConnInfo info = Locate();
  info.emplace_back("user", credentials_.superuser);
  info.emplace_back("password", credentials_.superuser_password);
  info.emplace_back("dbname", std::string(dbname));
  return db::FormatConnInfo(info);
}

std::string ClusterPrimaryAccess::LoginDsn(std::string_view dbname, std::string_view role,
                                           std::string_view password) const {
  db::ConnInfo info = Locate();
  info.emplace_back("user", std::string(role));
  info.emplace_back("password", std::string(password));
  info.emplace_back("dbname", std::string(dbname));
  return db::FormatConnInfo(info);
}

}  // namespace citadel::platform
