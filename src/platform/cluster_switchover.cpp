#include "platform/cluster_switchover.hpp"

#include <thread>

#include <nlohmann/json.hpp>

#include "db/connection.hpp"
#include "db/conninfo.hpp"
#include "platform/patroni_client.hpp"
#include "platform/switchover_drain.hpp"

namespace citadel::platform {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kSwitchoverPoll = std::chrono::milliseconds(100);
constexpr auto kSwitchoverRestTimeout = std::chrono::milliseconds(1000);

std::chrono::milliseconds MillisecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
}

const PatroniMember* FindMember(const PatroniClusterView& view, const std::string& name) {
  for (const auto& m : view.members)
    if (m.name == name) return &m;
  return nullptr;
}

// The member to promote: the one asked for, or the synchronous standby, or
// the first running replica.
core::Result<std::string> ChooseCandidate(const PatroniClusterView& view,
                                          const std::string& leader, const std::string& asked) {
  if (!asked.empty()) {
    const PatroniMember* m = FindMember(view, asked);
    if (m == nullptr) return core::Fail(core::ErrorCode::kNotFound, "no member named " + asked);
    if (asked == leader) return core::Fail(core::ErrorCode::kInvalidArgument, asked + " is the leader already");
    if (m->state != "running" && m->state != "streaming")
      return core::Fail(core::ErrorCode::kUnavailable, asked + " is " + m->state + ", not running");
    return asked;
  }
  for (const char* role : {"sync_standby", "replica"}) {
    for (const auto& m : view.members) {
      if (m.name != leader && m.role == role && (m.state == "running" || m.state == "streaming"))
        return m.name;
    }
  }
  return core::Fail(core::ErrorCode::kUnavailable, "no running standby to switch over to");
}

// Whether `member` is Patroni's running leader and accepts a read-write
// session (Patroni names the leader a moment before the promotion ends).
bool WritableLeader(const ClusterTopology& topology, const ClusterCredentials& credentials,
                    const std::string& member) {
  auto view = FetchPatroniCluster(topology, kSwitchoverRestTimeout);
  if (!view) return false;
  const PatroniMember* m = FindMember(*view, member);
  if (m == nullptr || m->role != "leader" || m->state != "running") return false;
  db::ConnInfo info{{"host", m->host},
                    {"port", std::to_string(m->port)},
                    {"user", credentials.superuser},
                    {"password", credentials.superuser_password},
                    {"dbname", "postgres"},
                    {"target_session_attrs", "read-write"},
                    {"connect_timeout", "2"}};
  for (auto& option : ClusterSslOptions(topology)) info.push_back(std::move(option));
  return db::Connection::Open(db::FormatConnInfo(info), std::chrono::seconds(3)).has_value();
}

// Removes the drain request however the switchover ends: the server resumes.
class DrainRequestGuard {
 public:
  explicit DrainRequestGuard(const ClusterTopology& topology) : topology_(topology) {}
  ~DrainRequestGuard() {
    if (active_) RemoveDrainRequest(topology_);
  }
  void Arm() { active_ = true; }

 private:
  const ClusterTopology& topology_;
  bool active_ = false;
};

}  // namespace

core::Result<SwitchoverReport> RunSwitchover(const ClusterTopology& topology,
                                             const ClusterCredentials& credentials,
                                             const SwitchoverOptions& options) {
  auto view = FetchPatroniCluster(topology, kSwitchoverRestTimeout);
  if (!view) return core::Unexpected(view.error());
  SwitchoverReport report;
  const PatroniMember* leader = nullptr;
  for (const auto& m : view->members)
    if (m.role == "leader" && m.state == "running") leader = &m;
  if (leader == nullptr) return core::Fail(core::ErrorCode::kUnavailable, "the cluster has no running leader");
  report.from = leader->name;
  auto candidate = ChooseCandidate(*view, report.from, options.candidate);
  if (!candidate) return core::Unexpected(candidate.error());
  report.to = *candidate;
  int leader_rest_port = 0;
  for (const auto& plan : topology.members)
    if (plan.name == report.from) leader_rest_port = plan.rest_port;
  if (leader_rest_port == 0)
    return core::Fail(core::ErrorCode::kNotFound, "the leader " + report.from + " is not in the config");

  const auto started = SteadyClock::now();
  DrainRequestGuard guard(topology);
  if (options.server_running) {
    // The server's pause outlives neither the drain nor the switch.
    const auto until = std::chrono::system_clock::now() + options.drain_timeout +
                       options.switch_timeout + std::chrono::seconds(5);
    auto request = WriteDrainRequest(topology, until);
    if (!request) return core::Unexpected(request.error());
    guard.Arm();
    const auto deadline = started + options.drain_timeout;
    while (!DrainAcknowledged(topology, request->id)) {
      if (SteadyClock::now() >= deadline) {
        return core::Fail(core::ErrorCode::kTimeout,
                          "the server did not drain its connections within " +
                              std::to_string(options.drain_timeout.count()) +
                              " ms (a long transaction?); nothing was switched");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    report.drained_server = true;
    report.drain_time = MillisecondsSince(started);
  }

  const auto switch_started = SteadyClock::now();
  nlohmann::json body = {{"leader", report.from}, {"candidate", report.to}};
  auto answer = HttpPostJson(topology.address, leader_rest_port, "/switchover", body.dump(),
                             credentials.rest_user, credentials.rest_password,
                             options.switch_timeout, PatroniRestTls(topology));
  if (!answer) return core::Unexpected(answer.error());
  if (answer->status != 200) {
    return core::Fail(core::ErrorCode::kUnavailable,
                      "Patroni refused the switchover (HTTP " + std::to_string(answer->status) +
                          "): " + answer->body.substr(0, 300));
  }
  const auto deadline = switch_started + options.switch_timeout;
  while (!WritableLeader(topology, credentials, report.to)) {
    if (SteadyClock::now() >= deadline) {
      return core::Fail(core::ErrorCode::kTimeout,
                        report.to + " did not become a writable leader within " +
                            std::to_string(options.switch_timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(kSwitchoverPoll);
  }
  report.switch_time = MillisecondsSince(switch_started);
  if (options.server_running) RemoveDrainRequest(topology);
  report.paused_time = MillisecondsSince(started);
  return report;
}

}  // namespace citadel::platform
