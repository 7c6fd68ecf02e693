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
// citadel dr rebuild --from repo1|repo2: a new site's cluster restored from a
// pgBackRest repository, then supervised as `cluster run` does.
#include <filesystem>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/cluster_certificates.hpp"
#include "cli/cluster_session.hpp"
#include "cli/commands.hpp"
#include "cli/effective_config.hpp"
#include "cli/data_dir_lock.hpp"
#include "cli/signal_waiter.hpp"
#include "core/file_system.hpp"
#include "core/logger.hpp"
#include "db/service_user.hpp"
#include "platform/archive_backup_scheduler.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_files.hpp"
#include "platform/cluster_status.hpp"
#include "platform/cluster_supervisor.hpp"
#include "platform/cluster_switchover.hpp"
#include "platform/cluster_topology.hpp"
#include "platform/patroni_client.hpp"
#include "platform/pgbackrest_runner.hpp"

namespace citadel::cli {
namespace {

core::Result<core::ServerConfig> LoadClusterCommandConfig(const CommonOptions& common) {
  auto config = LoadEffectiveConfig(common, core::RealFileSystem::Instance());
  if (!config) return config;
  if (auto level = core::ParseLogLevel(config->log_level)) core::Log().SetLevel(*level);
  return config;
}

// The cluster's TLS files when its TLS is on; a line for init's summary.
core::Result<std::string> PrepareClusterTls(const core::ServerConfig& config,
                                            const platform::ClusterTopology& topology,
                                            const db::ServiceUser& user) {
  if (!topology.tls.enabled) return std::string("off (loopback; [cluster] tls = \"on\" forces it)");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  auto report = EnsureClusterCertificates(config.cluster, topology, user, now);
  if (!report) return core::Unexpected(report.error());
  std::string line = "on, CA " + topology.tls.CaCertPath();
  if (report->operator_files) return line + " (the operator's files, copied)";
  return line + (report->made_ca ? " (made)" : " (kept)") + "; " + std::to_string(report->issued) +
         " certificate(s) issued, " + std::to_string(report->kept) + " kept";
}

// The unprivileged account the members run as: the embedded cluster's.
core::Result<db::ServiceUser> ClusterServiceUser(const core::ServerConfig& config) {
  return db::ResolveServiceUser("citadel", config.data_dir + "/ha");
}

// "local <path>" or "ssh user@host:port <path>" (repo-host mode).
std::string RepositoryLocation(const platform::ClusterTopology& topology, int repo) {
  if (repo == 1) return "local " + topology.repo1_path;
  if (!topology.Repo2IsRemote()) return "local " + topology.repo2_path;
  const auto& h = topology.repo2_host;
  return "ssh " + h.user + "@" + h.host + ":" + std::to_string(h.port) + " " + topology.repo2_path;
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
  if (status.archive.known) {
    std::cout << "ARCHIVE   last WAL " << (status.archive.last_archived_wal.empty() ? "-" : status.archive.last_archived_wal)
              << " at " << (status.archive.last_archived_at.empty() ? "-" : status.archive.last_archived_at)
              << "; archived " << status.archive.archived_count << ", failed " << status.archive.failed_count
              << "\n";
  }
  for (const auto& r : status.repositories) {
    std::cout << "REPO" << r.repo << "     " << (r.location.empty() ? "" : r.location + ": ") << r.status
              << "; " << r.backups.size() << " backup(s)";
    if (!r.backups.empty())
      std::cout << ", newest " << r.backups.back().label << " (" << r.backups.back().type << ")";
    std::cout << "; WAL " << (r.archive_min.empty() ? "-" : r.archive_min) << " .. "
              << (r.archive_max.empty() ? "-" : r.archive_max) << "\n";
  }
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
  auto tls = PrepareClusterTls(*config, topology, *user);
  if (!tls) return ReportFailure(tls.error());
  if (topology.Repo2IsRemote()) {
    // Refused now rather than as failing archive_commands later.
    if (auto reached = platform::CheckRepoHost(topology, *user, std::chrono::seconds(20)); !reached) {
      std::cerr << "citadel: repository 2's host: " << reached.error().message << "\n";
      return 1;
    }
  }
  std::cout << "High-availability cluster '" << topology.scope << "' configured under "
            << topology.ha_dir << "\n"
            << "  Mode:     " << (config->cluster.synchronous ? "synchronous" : "asynchronous")
            << "\n"
            << "  etcd:     " << topology.EtcdClientUrl() << " (users root and patroni; auth enabled by `cluster run`)\n"
            << "  TLS:      " << *tls << "\n";
  for (const auto& m : topology.members) {
    std::cout << "  " << m.name << ": PostgreSQL " << topology.address << ":" << m.postgres_port
              << ", Patroni " << (topology.tls.enabled ? "https://" : "http://") << topology.address
              << ":" << m.rest_port << "\n";
  }
  std::cout << "  repo1:    local " << topology.repo1_path << "\n"
            << "  repo2:    " << RepositoryLocation(topology, 2) << "\n";
  if (topology.Repo2IsRemote()) {
    std::cout << "            install " << topology.RepoHostConfigPath() << " there as "
              << topology.repo2_host.config << " (it holds repo2's passphrase; 0600, "
              << topology.repo2_host.user << "'s)\n";
  }
  std::cout << "  Credentials: " << topology.CredentialsPath()
            << (report->generated_credentials ? " (generated)" : " (kept)") << "\n"
            << "Start it with `citadel cluster run` (same --config and --data-dir); `citadel "
               "serve` uses it\n"
            << "when the config says [cluster] ha = true.\n";
  return 0;
}

namespace {

// `cluster run`'s loop, also `dr rebuild`'s once its files are written:
// starts etcd and the agents, announces the leader, takes pgBackRest's
// backups, tends the children until SIGINT/SIGTERM.
int SuperviseCluster(const core::ServerConfig& config, const platform::ClusterTopology& topology,
                     const db::ServiceUser& user) {
  // Longer than a failover takes, so a lost member is replaced by a new
  // leader first and then comes back as a standby.
  const auto restart_delay =
      std::chrono::seconds(2 * config.cluster.ttl + config.cluster.loop_wait);
  platform::ClusterSupervisor supervisor(topology, user, restart_delay);
  const auto started_at = std::chrono::steady_clock::now();
  if (auto started = supervisor.Start(); !started) return ReportFailure(started.error());
  // Archiving needs the stanza; backups run on their own thread.
  std::optional<platform::ArchiveBackupScheduler> backups;
  backups.emplace(config.cluster, topology, user);

  bool announced = false;
  for (;;) {
    if (!announced) {
      auto view = platform::FetchPatroniCluster(topology, std::chrono::milliseconds(1000));
      if (view) {
        for (const auto& m : view->members) {
          if (m.role != "leader" || m.state != "running") continue;
          const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started_at).count();
          std::cout << "Citadel cluster is ready: leader " << m.name << " on " << m.host << ":"
                    << m.port << " (" << ms << " ms after start)" << std::endl;
          announced = true;
        }
      }
    }
    if (SignalWaiter::Wait(std::chrono::seconds(1)) == ProcessSignal::kStop) break;
    supervisor.Tend();
  }
  backups.reset();
  supervisor.Stop();
  return 0;
}

}  // namespace

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
  return SuperviseCluster(*config, topology, *user);
}

int RunClusterStatus(const ClusterStatusCommand& command) {
  auto config = LoadClusterCommandConfig(command.common);
  if (!config) return ReportFailure(config.error());
  auto topology = platform::MakeClusterTopology(config->cluster, config->data_dir);
  auto credentials = platform::LoadClusterCredentials(topology.CredentialsPath());
  if (!credentials) return ReportFailure(credentials.error());
  auto status = platform::ReadClusterStatus(topology, *credentials);
  if (!status) return ReportFailure(status.error());
  // pgBackRest's view of the repositories, as the service user (it owns them).
  if (auto user = ClusterServiceUser(*config)) {
    for (int repo : {1, 2}) {
      auto info = platform::ReadRepositories(topology, *user, {repo}, std::chrono::seconds(30));
      if (info && !info->empty()) {
        status->repositories.push_back(std::move(info->front()));
      } else {
        platform::RepositoryInfo unknown;
        unknown.repo = repo;
        unknown.status = info ? "no stanza" : "not read: " + info.error().message;
        status->repositories.push_back(std::move(unknown));
      }
    }
  }
  for (auto& r : status->repositories) {
    r.kind = r.repo == 2 && topology.Repo2IsRemote() ? "ssh" : "local";
    r.location = RepositoryLocation(topology, r.repo);
  }
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

namespace citadel::cli {
namespace {

// Whether `dir` holds anything (a member's PGDATA, etcd's data).
bool DirectoryHasEntries(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec);
}

}  // namespace

int RunDrRebuild(const DrRebuildCommand& command) {
  SignalWaiter::Block();  // before any thread: only the main thread takes signals
  int repo = 0;
  if (command.from == "repo1" || command.from == "1") repo = 1;
  if (command.from == "repo2" || command.from == "2") repo = 2;
  if (repo == 0) {
    std::cerr << "citadel: --from takes repo1 or repo2\n";
    return 2;
  }
  auto config = LoadClusterCommandConfig(command.common);
  if (!config) return ReportFailure(config.error());
  config->cluster.ha = true;
  auto topology = platform::MakeClusterTopology(config->cluster, config->data_dir);
  // The lost site's credentials (kept off-site, like the backups' master
  // key): the restored cluster's roles have those passwords, and the
  // repositories' passphrases are there.
  auto credentials = platform::LoadClusterCredentials(topology.CredentialsPath());
  if (!credentials) return ReportFailure(credentials.error());
  // A new site: never over a cluster that exists.
  for (const auto& m : topology.members) {
    if (DirectoryHasEntries(m.pgdata)) {
      std::cerr << "citadel: " << m.pgdata << " is not empty: dr rebuild provisions a new site and "
                << "never writes over a cluster (move it away first)\n";
      return 1;
    }
  }
  if (platform::HttpGet(topology.address, topology.etcd_client_port, "/health",
                        std::chrono::milliseconds(500), platform::EtcdClientTls(topology))) {
    std::cerr << "citadel: etcd answers on " << topology.EtcdClientUrl()
              << ": stop the running cluster first\n";
    return 1;
  }
  auto user = ClusterServiceUser(*config);
  if (!user) return ReportFailure(user.error());
  // The consensus store of the lost site described a cluster that is gone.
  std::error_code ec;
  std::filesystem::remove_all(topology.etcd_dir, ec);
  auto files = platform::PrepareClusterFiles(config->cluster, topology, config->database.pg_bin_dir,
                                             *user, repo);
  if (!files) return ReportFailure(files.error());
  if (auto tls = PrepareClusterTls(*config, topology, *user); !tls) return ReportFailure(tls.error());
  if (topology.Repo2IsRemote()) {
    if (auto reached = platform::CheckRepoHost(topology, *user, std::chrono::seconds(20)); !reached) {
      std::cerr << "citadel: repository 2's host: " << reached.error().message << "\n";
      if (repo == 2) return 1;
    }
  }
  auto repos = platform::ReadRepositories(topology, *user, {repo}, std::chrono::minutes(1));
  if (!repos) return ReportFailure(repos.error());
  const platform::RepositoryInfo* found = nullptr;
  for (const auto& r : *repos)
    if (r.repo == repo && !r.backups.empty()) found = &r;
  if (found == nullptr) {
    std::cerr << "citadel: repo" << repo << " holds no backup of stanza '" << topology.Stanza()
              << "' (" << (repos->empty() ? "no stanza" : (*repos)[0].status) << ")\n";
    return 1;
  }
  std::cout << "Rebuilding cluster '" << topology.Stanza() << "' from repo" << repo
            << ": backup " << found->backups.back().label << ", then archived WAL up to "
            << found->archive_max << std::endl;
  return SuperviseCluster(*config, topology, *user);
}

}  // namespace citadel::cli
