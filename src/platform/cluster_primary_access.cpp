#include "platform/cluster_primary_access.hpp"

#include "platform/patroni_client.hpp"

namespace citadel::platform {
namespace {

constexpr auto kLeaderCacheTime = std::chrono::seconds(1);
constexpr auto kLeaderRestTimeout = std::chrono::milliseconds(500);

}  // namespace

ClusterPrimaryAccess::ClusterPrimaryAccess(ClusterTopology topology, ClusterCredentials credentials)
    : topology_(std::move(topology)), credentials_(std::move(credentials)) {}

void ClusterPrimaryAccess::ForgetLeader() const {
  std::lock_guard lock(mutex_);
  leader_.reset();
}

db::ConnInfo ClusterPrimaryAccess::Locate() const {
  std::optional<std::pair<std::string, int>> leader;
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (leader_ && now - checked_at_ < kLeaderCacheTime) {
      leader = leader_;
    } else {
      // Under the lock: one REST call a second at most, however many
      // connections are being opened.
      leader_.reset();
      if (auto view = FetchPatroniCluster(topology_, kLeaderRestTimeout)) {
        for (const auto& m : view->members) {
          if (m.role == "leader" && m.state == "running" && !m.host.empty() && m.port > 0) {
            leader_.emplace(m.host, m.port);
          }
        }
      }
      checked_at_ = now;
      leader = leader_;
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
  return {{"host", hosts},
          {"port", ports},
          {"target_session_attrs", "read-write"},
          {"connect_timeout", "2"},
          {"keepalives", "1"},
          {"keepalives_idle", "5"},
          {"keepalives_interval", "2"},
          {"keepalives_count", "3"},
          {"tcp_user_timeout", "10000"}};
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
