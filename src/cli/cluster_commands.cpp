// citadel cluster init --ha | run | status: a high-availability cluster of
// Patroni-managed PostgreSQL members with etcd (docs/ha.md).
//
//   init --ha  writes <data_dir>/ha: credentials (0600), etcd.yaml, each
//              member's patroni.yaml, from the [cluster] settings.
//   run        starts etcd and the Patroni agents as the service user and
//              supervises them until SIGINT/SIGTERM (platform/cluster_supervisor.hpp);
//              prints "Citadel cluster is ready" once a leader is elected.
//   status     Patroni's view joined with the primary's pg_stat_replication.
//   switchover a planned switch, the server drained first (platform/cluster_switchover.hpp).
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/cluster_session.hpp"
#include "cli/commands.hpp"
#include "cli/effective_config.hpp"
#include "cli/data_dir_lock.hpp"
#include "cli/signal_waiter.hpp"
#include "core/file_system.hpp"
#include "core/logger.hpp"
#include "db/service_user.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_files.hpp"
#include "platform/cluster_status.hpp"
#include "platform/cluster_supervisor.hpp"
#include "platform/cluster_switchover.hpp"
#include "platform/cluster_topology.hpp"
#include "platform/patroni_client.hpp"

namespace citadel::cli {
namespace {

core::Result<core::ServerConfig> LoadClusterCommandConfig(const CommonOptions& common) {
  auto config = LoadEffectiveConfig(common, core::RealFileSystem::Instance());
  if (!config) return config;
  if (auto level = core::ParseLogLevel(config->log_level)) core::Log().SetLevel(*level);
  return config;
}

// The unprivileged account the members run as: the embedded cluster's.
core::Result<db::ServiceUser> ClusterServiceUser(const core::ServerConfig& config) {
  return db::ResolveServiceUser("citadel", config.data_dir + "/ha");
}

std::string ClusterOrDash(const std::optional<long long>& v) {
  return v ? std::to_string(*v) : "-";
}

void PrintClusterTable(const platform::ClusterStatus& status) {
  std::cout << std::left << std::setw(10) << "MEMBER" << std::setw(14) << "ROLE" << std::setw(10)
            << "STATE" << std::setw(22) << "ADDRESS" << std::setw(5) << "TL" << std::setw(11)
            << "LAG_BYTES" << std::setw(11) << "STREAMING" << std::setw(7) << "SYNC"
            << "LAG_S\n";
  for (const auto& m : status.members) {
    std::ostringstream lag_seconds;
    if (m.replay_lag_seconds)
      lag_seconds << std::fixed << std::setprecision(3) << *m.replay_lag_seconds;
    std::cout << std::left << std::setw(10) << m.name << std::setw(14) << m.role << std::setw(10)
              << m.state << std::setw(22) << (m.host + ":" + std::to_string(m.port)) << std::setw(5)
              << ClusterOrDash(m.timeline) << std::setw(11)
              << (m.role == "leader" ? "-" : ClusterOrDash(m.lag_bytes)) << std::setw(11)
              << (m.replication.empty() ? "-" : m.replication) << std::setw(7)
              << (m.sync_state.empty() ? "-" : m.sync_state)
              << (m.replay_lag_seconds ? lag_seconds.str() : "-") << "\n";
  }
  if (status.leader.empty()) std::cout << "NO LEADER\n";
  if (!status.primary_error.empty())
    std::cout << "primary not read: " << status.primary_error << "\n";
}

}  // namespace

int RunClusterInit(const ClusterInitCommand& command) {
  if (!command.ha) {
    std::cerr
        << "citadel: cluster init needs --ha (the single embedded PostgreSQL needs no init)\n";
    return 2;
  }
  auto config = LoadClusterCommandConfig(command.common);
  if (!config) return ReportFailure(config.error());
  config->cluster.ha = true;
  if (auto made = EnsureDataDirectory(config->data_dir); !made) return ReportFailure(made.error());
  auto user = ClusterServiceUser(*config);
  if (!user) return ReportFailure(user.error());
  auto topology = platform::MakeClusterTopology(config->cluster, config->data_dir);
  auto report =
      platform::PrepareClusterFiles(config->cluster, topology, config->database.pg_bin_dir, *user);
  if (!report) return ReportFailure(report.error());
  std::cout << "High-availability cluster '" << topology.scope << "' configured under "
            << topology.ha_dir << "\n"
            << "  Mode:     " << (config->cluster.synchronous ? "synchronous" : "asynchronous")
            << "\n"
            << "  etcd:     " << topology.EtcdClientUrl() << "\n";
  for (const auto& m : topology.members) {
    std::cout << "  " << m.name << ": PostgreSQL " << topology.address << ":" << m.postgres_port
              << ", Patroni http://" << topology.address << ":" << m.rest_port << "\n";
  }
  std::cout << "  Credentials: " << topology.CredentialsPath()
            << (report->generated_credentials ? " (generated)" : " (kept)") << "\n"
            << "Start it with `citadel cluster run` (same --config and --data-dir); `citadel "
               "serve` uses it\n"
            << "when the config says [cluster] ha = true.\n";
  return 0;
}

int RunClusterRun(const ClusterRunCommand& command) {
  SignalWaiter::Block();  // before any thread: only the main thread takes signals
  auto config = LoadClusterCommandConfig(command.common);
  if (!config) return ReportFailure(config.error());
  config->cluster.ha = true;
  auto topology = platform::MakeClusterTopology(config->cluster, config->data_dir);
  if (auto credentials = platform::LoadClusterCredentials(topology.CredentialsPath());
      !credentials) {
    return ReportFailure(credentials.error());
  }
  auto user = ClusterServiceUser(*config);
  if (!user) return ReportFailure(user.error());
  // Longer than a failover takes, so a lost member is replaced by a new
  // leader first and then comes back as a standby.
  const auto restart_delay =
      std::chrono::seconds(2 * config->cluster.ttl + config->cluster.loop_wait);
  platform::ClusterSupervisor supervisor(topology, *user, restart_delay);
  if (auto started = supervisor.Start(); !started) return ReportFailure(started.error());

  bool announced = false;
  for (;;) {
    if (!announced) {
      auto view = platform::FetchPatroniCluster(topology, std::chrono::milliseconds(1000));
      if (view) {
        for (const auto& m : view->members) {
          if (m.role != "leader" || m.state != "running") continue;
          std::cout << "Citadel cluster is ready: leader " << m.name << " on " << m.host << ":"
                    << m.port << std::endl;
          announced = true;
        }
      }
    }
    if (SignalWaiter::Wait(std::chrono::seconds(1)) == ProcessSignal::kStop) break;
    supervisor.Tend();
  }
  supervisor.Stop();
  return 0;
}

int RunClusterStatus(const ClusterStatusCommand& command) {
  auto config = LoadClusterCommandConfig(command.common);
  if (!config) return ReportFailure(config.error());
  auto topology = platform::MakeClusterTopology(config->cluster, config->data_dir);
  auto credentials = platform::LoadClusterCredentials(topology.CredentialsPath());
  if (!credentials) return ReportFailure(credentials.error());
  auto status = platform::ReadClusterStatus(topology, *credentials);
  if (!status) return ReportFailure(status.error());
  if (command.json) {
    std::cout << platform::ClusterStatusToJson(*status).dump(2) << "\n";
  } else {
    PrintClusterTable(*status);
  }
  return status->leader.empty() ? 1 : 0;
}

}  // namespace citadel::cli

namespace citadel::cli {

int RunClusterSwitchover(const ClusterSwitchoverCommand& command) {
  auto config = LoadClusterCommandConfig(command.common);
  if (!config) return ReportFailure(config.error());
  auto topology = platform::MakeClusterTopology(config->cluster, config->data_dir);
  auto credentials = platform::LoadClusterCredentials(topology.CredentialsPath());
  if (!credentials) return ReportFailure(credentials.error());
  platform::SwitchoverOptions options;
  options.candidate = command.to;
  options.drain_timeout = std::chrono::seconds(command.drain_timeout_seconds);
  // A server holds the data directory's lock for its whole life. Taking it
  // for an instant here only tells whether one runs (a server starting in
  // that instant would be refused and should be started again).
  {
    auto probe = DataDirLock::TryAcquire(config->data_dir);
    options.server_running = !probe && probe.error().code == core::ErrorCode::kAlreadyExists;
  }
  auto report = platform::RunSwitchover(topology, *credentials, options);
  if (!report) return ReportFailure(report.error());
  std::cout << "Switched over from " << report->from << " to " << report->to << " in "
            << report->switch_time.count() << " ms\n";
  if (report->drained_server) {
    std::cout << "  the server drained in " << report->drain_time.count()
              << " ms; new transactions waited at most " << report->paused_time.count() << " ms\n";
  } else {
    std::cout << "  no `citadel serve` runs on this data directory: nothing to drain\n";
  }
  return 0;
}

}  // namespace citadel::cli
