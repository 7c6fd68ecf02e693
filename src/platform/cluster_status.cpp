#include "platform/cluster_status.hpp"

#include <charconv>

#include "db/connection.hpp"
#include "platform/patroni_client.hpp"

namespace citadel::platform {
namespace {

std::optional<long long> ClusterStatusInteger(std::optional<std::string_view> text) {
  if (!text) return std::nullopt;
  long long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc()) return std::nullopt;
  return value;
}

// Joins the primary's pg_stat_replication rows (application_name is the
// member's name: Patroni sets it in each standby's primary_conninfo).
std::string AddPrimaryReplicationView(ClusterStatus& status, const ClusterTopology& topology,
                                      const ClusterCredentials& credentials) {
  auto conn = db::Connection::Open(ClusterPrimaryDsn(topology, credentials, "postgres"),
                                   std::chrono::seconds(3));
  if (!conn) return conn.error().message;
  auto rows = conn->Execute(
      "SELECT application_name, state, sync_state,"
      " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS lag_bytes,"
      " extract(epoch FROM replay_lag)::float8 AS lag_seconds"
      " FROM pg_stat_replication");
  if (!rows) return rows.error().message;
  for (int r = 0; r < rows->rows(); ++r) {
    const std::string name(rows->Text(r, "application_name"));
    for (auto& m : status.members) {
      if (m.name != name) continue;
      m.replication = rows->Text(r, "state");
      m.sync_state = rows->Text(r, "sync_state");
      m.replay_lag_bytes = ClusterStatusInteger(rows->Get(r, "lag_bytes"));
      if (auto seconds = rows->Get(r, "lag_seconds")) {
        m.replay_lag_seconds = std::strtod(std::string(*seconds).c_str(), nullptr);
      } else if (m.replay_lag_bytes) {
        m.replay_lag_seconds = 0.0;  // NULL replay_lag: nothing replayed recently, nothing pending
      }
    }
  }
  auto archiver = conn->Execute(
      "SELECT archived_count, coalesce(last_archived_wal, '') AS last_archived_wal,"
      " coalesce(last_archived_time::text, '') AS last_archived_time, failed_count,"
      " coalesce(last_failed_wal, '') AS last_failed_wal FROM pg_stat_archiver");
  if (!archiver) return archiver.error().message;
  if (archiver->rows() == 1) {
    status.archive.known = true;
    status.archive.archived_count = ClusterStatusInteger(archiver->Get(0, "archived_count")).value_or(0);
    status.archive.last_archived_wal = archiver->Text(0, "last_archived_wal");
    status.archive.last_archived_at = archiver->Text(0, "last_archived_time");
    status.archive.failed_count = ClusterStatusInteger(archiver->Get(0, "failed_count")).value_or(0);
    status.archive.last_failed_wal = archiver->Text(0, "last_failed_wal");
  }
  return {};
}

}  // namespace

core::Result<ClusterStatus> ReadClusterStatus(const ClusterTopology& topology,
                                              const ClusterCredentials& credentials) {
  auto view = FetchPatroniCluster(topology, std::chrono::milliseconds(2000));
  if (!view) return core::Unexpected(view.error());
  ClusterStatus status;
  status.answered_by = view->answered_by;
  for (const auto& p : view->members) {
    ClusterMemberStatus m;
    m.name = p.name;
    m.role = p.role;
    m.state = p.state;
    m.host = p.host;
    m.port = p.port;
    m.timeline = p.timeline;
    m.lag_bytes = p.lag_bytes;
    if (m.role == "leader") status.leader = m.name;
    status.members.push_back(std::move(m));
  }
  if (!status.leader.empty())
    status.primary_error = AddPrimaryReplicationView(status, topology, credentials);
  else
    status.primary_error = "no leader";
  return status;
}

nlohmann::json ClusterStatusToJson(const ClusterStatus& status) {
  using nlohmann::json;
  json members = json::array();
  auto optional = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  for (const auto& m : status.members) {
    members.push_back({{"name", m.name},
                       {"role", m.role},
                       {"state", m.state},
                       {"host", m.host},
                       {"port", m.port},
                       {"timeline", optional(m.timeline)},
                       {"lag_bytes", optional(m.lag_bytes)},
                       {"replication", m.replication.empty() ? json(nullptr) : json(m.replication)},
                       {"sync_state", m.sync_state.empty() ? json(nullptr) : json(m.sync_state)},
                       {"replay_lag_bytes", optional(m.replay_lag_bytes)},
                       {"replay_lag_seconds", optional(m.replay_lag_seconds)}});
  }
  json archive = nullptr;
  if (status.archive.known) {
    archive = {{"archived_count", status.archive.archived_count},
               {"last_archived_wal", status.archive.last_archived_wal},
               {"last_archived_at", status.archive.last_archived_at},
               {"failed_count", status.archive.failed_count},
               {"last_failed_wal", status.archive.last_failed_wal}};
  }
  json repositories = json::array();
  for (const auto& r : status.repositories) {
    json backups = json::array();
    for (const auto& b : r.backups)
      backups.push_back({{"label", b.label}, {"type", b.type}, {"stopped_at", b.stopped_at}});
    repositories.push_back({{"repo", r.repo},
                            {"kind", r.kind},
                            {"location", r.location},
                            {"status", r.status},
                            {"archive_min", r.archive_min},
                            {"archive_max", r.archive_max},
                            {"backups", backups}});
  }
  return {
      {"archive", archive},
      {"repositories", repositories},
      {"leader", status.leader.empty() ? json(nullptr) : json(status.leader)},
      {"answered_by", status.answered_by},
      {"primary_error", status.primary_error.empty() ? json(nullptr) : json(status.primary_error)},
      {"members", members}};
}

}  // namespace citadel::platform
