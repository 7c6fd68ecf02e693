#include "platform/archive_backup_scheduler.hpp"

#include <filesystem>
#include <system_error>

#include "platform/patroni_client.hpp"
#include "platform/pgbackrest_config.hpp"
#include "platform/pgbackrest_runner.hpp"

namespace citadel::platform {
namespace {

constexpr auto kStanzaTimeout = std::chrono::minutes(2);
constexpr auto kBackupTimeout = std::chrono::hours(6);
constexpr auto kInfoTimeout = std::chrono::minutes(1);
constexpr int kRepositories = 2;

bool ClusterHasRunningLeader(const ClusterTopology& topology) {
  auto view = FetchPatroniCluster(topology, std::chrono::milliseconds(1000));
  if (!view) return false;
  for (const auto& m : view->members)
    if (m.role == "leader" && m.state == "running") return true;
  return false;
}

}  // namespace

ArchiveBackupScheduler::ArchiveBackupScheduler(core::ClusterConfig config, ClusterTopology topology,
                                               db::ServiceUser user, core::Logger& logger)
    : config_(std::move(config)), topology_(std::move(topology)), user_(std::move(user)),
      logger_(logger), thread_([this] { Run(); }) {}

ArchiveBackupScheduler::~ArchiveBackupScheduler() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool ArchiveBackupScheduler::WaitOrStop(std::chrono::seconds delay) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, delay, [this] { return stop_; });
}

bool ArchiveBackupScheduler::CreateStanza() {
  if (!ClusterHasRunningLeader(topology_)) return false;
  // Its locks are apart from archive-push's (StanzaCreateOptions), so
  // pgBackRest's own stop file is looked for here.
  for (const std::string& stop_file : PgBackRestStopFiles(topology_)) {
    std::error_code error;
    if (!std::filesystem::exists(stop_file, error)) continue;
    if (!stop_reported_)
      logger_.Warn("pgbackrest is stopped; stanza-create waits for `pgbackrest start`",
                   {{"stop_file", stop_file}});
    stop_reported_ = true;
    return false;
  }
  auto made = RunPgBackRestOrFail(topology_, user_, StanzaCreateOptions(topology_), "stanza-create",
                                  std::chrono::duration_cast<std::chrono::milliseconds>(kStanzaTimeout));
  if (!made) {
    logger_.Warn("pgbackrest stanza-create failed; trying again", {{"error", made.error().message}});
    return false;
  }
  logger_.Info("pgbackrest stanza ready", {{"stanza", topology_.Stanza()}});
  return true;
}

void ArchiveBackupScheduler::BackUpWhenDue() {
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  for (int repo = 1; repo <= kRepositories; ++repo) {
    // Each on its own: a repository host that is down delays only repo2's.
    auto repos = ReadRepositories(topology_, user_, {repo},
                                  std::chrono::duration_cast<std::chrono::milliseconds>(kInfoTimeout));
    if (!repos) {
      logger_.Warn("pgbackrest info failed", {{"repo", std::to_string(repo)}, {"error", repos.error().message}});
      continue;
    }
    long long newest_full = 0, newest_any = 0;
    for (const auto& r : *repos) {
      if (r.repo != repo) continue;
      for (const auto& b : r.backups) {
        newest_any = std::max(newest_any, b.stopped_at);
        if (b.type == "full") newest_full = std::max(newest_full, b.stopped_at);
      }
    }
    std::string type;
    if (newest_full == 0 || now - newest_full >= config_.backup_full_days * 86400LL) {
      type = "full";
    } else if (now - newest_any >= config_.backup_incremental_hours * 3600LL) {
      type = "incr";
    } else {
      continue;
    }
    if (!ClusterHasRunningLeader(topology_)) return;  // mid-failover: next minute
    const auto started = std::chrono::steady_clock::now();
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kBackupTimeout);
    // pgBackRest 2.45 backs up only to a repository local to it: a remote
    // repo2's backup runs on its repository host, which reaches the members
    // over SSH (docs/ha.md).
    auto done = repo == 2 && topology_.Repo2IsRemote()
                    ? RunOnRepoHostOrFail(topology_, user_, RepoHostBackupCommand(topology_, type), timeout)
                    : RunPgBackRestOrFail(topology_, user_,
                                          {"--repo=" + std::to_string(repo), "--type=" + type}, "backup",
                                          timeout);
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started).count();
    if (!done) {
      logger_.Warn("pgbackrest backup failed", {{"repo", std::to_string(repo)}, {"type", type},
                                                {"error", done.error().message}});
    } else {
      logger_.Info("pgbackrest backup done", {{"repo", std::to_string(repo)}, {"type", type},
                                              {"ms", std::to_string(elapsed_ms)}});
    }
  }
}

void ArchiveBackupScheduler::Run() {
  while (!CreateStanza()) {
    if (WaitOrStop(std::chrono::seconds(2))) return;
  }
  if (!config_.scheduled_backups) return;
  do {
    BackUpWhenDue();
  } while (!WaitOrStop(std::chrono::seconds(60)));
}

}  // namespace citadel::platform
