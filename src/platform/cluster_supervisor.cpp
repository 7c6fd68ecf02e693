#include "platform/cluster_supervisor.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "db/postmaster_process.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/etcd_auth.hpp"
#include "platform/patroni_client.hpp"

namespace citadel::platform {
namespace {

constexpr const char* kEtcdProgram = "/usr/bin/etcd";
constexpr const char* kPatroniProgram = "/usr/bin/patroni";

// Whether /proc/<pid>/cmdline mentions `needle` (our config's path): a pid
// from a stale pid file that was reused by another program is never signalled.
bool ClusterProcessRunsConfig(pid_t pid, const std::string& needle) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  return text.str().find(needle) != std::string::npos;
}

void WriteClusterPidFile(const std::string& path, pid_t pid) {
  std::ofstream out(path, std::ios::trunc);
  out << pid << "\n";
}

}  // namespace

ClusterSupervisor::ClusterSupervisor(ClusterTopology topology, db::ServiceUser user,
                                     std::chrono::seconds restart_delay, core::Logger& logger)
    : topology_(std::move(topology)),
      user_(std::move(user)),
      restart_delay_(restart_delay),
      logger_(logger) {
  // A fixed environment: nothing of ours (PGPASSWORD, ETCD_*, PATRONI_*,
  // LD_PRELOAD...) reaches the children; their configuration is their file.
  const std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                                        "HOME=" + topology_.ha_dir, "TZ=UTC"};
  Child etcd;
  etcd.name = "etcd";
  etcd.pid_path = topology_.EtcdPidPath();
  etcd.config_path = topology_.EtcdConfigPath();
  etcd.spec.argv = {kEtcdProgram, "--config-file", topology_.EtcdConfigPath()};
  etcd.spec.env = env;
  etcd.spec.output_path = topology_.EtcdLogPath();
  children_.push_back(std::move(etcd));
  for (const auto& m : topology_.members) {
    Child patroni;
    patroni.name = m.name;
    patroni.pid_path = m.PidPath();
    patroni.config_path = m.ConfigPath();
    patroni.pgdata = m.pgdata;
    patroni.spec.argv = {kPatroniProgram, m.ConfigPath()};
    patroni.spec.env = env;
    patroni.spec.output_path = m.LogPath();
    patroni.spec.working_dir = m.dir;
    children_.push_back(std::move(patroni));
  }
  for (auto& c : children_) {
    c.spec.run_as = user_;
    c.spec.new_process_group = true;
  }
}

ClusterSupervisor::~ClusterSupervisor() { Stop(); }

void ClusterSupervisor::StopOrphanOf(const Child& child) {
  auto pid = db::ReadPidFile(child.pid_path);
  if (pid && db::ProcessAlive(*pid) && ClusterProcessRunsConfig(*pid, child.config_path)) {
    logger_.Warn("stopping a cluster process left by an earlier supervisor",
                 {{"process", child.name}, {"pid", static_cast<int>(*pid)}});
    if (!db::SignalAndWaitGone(*pid, SIGTERM, std::chrono::seconds(30))) {
      db::SignalAndWaitGone(*pid, SIGKILL, std::chrono::seconds(5));
    }
  }
  if (!child.pgdata.empty()) {
    auto postmaster = db::ReadPostmasterPid(child.pgdata);
    if (postmaster &&
        db::MatchPostmaster(*postmaster, child.pgdata) == db::PostmasterMatch::kOurs) {
      logger_.Warn("stopping a PostgreSQL left without its Patroni",
                   {{"member", child.name}, {"pid", static_cast<int>(*postmaster)}});
      if (!db::SignalAndWaitGone(*postmaster, SIGINT, std::chrono::seconds(30))) {
        db::SignalAndWaitGone(*postmaster, SIGKILL, std::chrono::seconds(5));
      }
    }
  }
}

core::Result<void> ClusterSupervisor::Launch(Child& child) {
  auto pid = db::SpawnChild(child.spec);
  if (!pid) return core::Unexpected(pid.error());
  child.pid = *pid;
  WriteClusterPidFile(child.pid_path, child.pid);
  logger_.Info("cluster process started",
               {{"process", child.name}, {"pid", static_cast<int>(child.pid)}});
  return {};
}

core::Result<void> ClusterSupervisor::Start() {
  started_ = true;
  for (const auto& c : children_) StopOrphanOf(c);
  Child& etcd = children_.front();
  if (auto launched = Launch(etcd); !launched) return launched;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    auto health =
        HttpGet(topology_.address, topology_.etcd_client_port, "/health", std::chrono::seconds(1),
                EtcdClientTls(topology_));
    if (health && health->find("\"true\"") != std::string::npos) break;
    if (db::WaitChild(etcd.pid, std::chrono::milliseconds(0))) {
      etcd.pid = 0;
      return core::Fail(core::ErrorCode::kUnavailable,
                        "etcd exited at start; see " + topology_.EtcdLogPath());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return core::Fail(core::ErrorCode::kTimeout,
                        "etcd not healthy within 30 s; see " + topology_.EtcdLogPath());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // etcd's users and auth, before any Patroni (it exits if it cannot log in).
  auto credentials = LoadClusterCredentials(topology_.CredentialsPath());
  if (!credentials) return core::Unexpected(credentials.error());
  if (credentials->HasEtcdPasswords()) {
    const auto auth_started = std::chrono::steady_clock::now();
    if (auto auth = EnsureEtcdAuth(topology_, *credentials, std::chrono::seconds(10)); !auth) {
      return core::Fail(auth.error().code, "etcd authentication not set up: " + auth.error().message);
    }
    logger_.Info("etcd authentication on",
                 {{"ms", static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::steady_clock::now() - auth_started)
                                              .count())}});
  } else {
    logger_.Warn("etcd runs without authentication: run `citadel cluster init --ha` again to add its users");
  }
  for (std::size_t i = 1; i < children_.size(); ++i) {
    if (auto launched = Launch(children_[i]); !launched) return launched;
  }
  return {};
}

void ClusterSupervisor::Tend() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& c : children_) {
    if (c.pid != 0) {
      auto status = db::WaitChild(c.pid, std::chrono::milliseconds(0));
      if (!status) continue;
      logger_.Warn("cluster process exited; restarting it later",
                   {{"process", c.name},
                    {"pid", static_cast<int>(c.pid)},
                    {"wait_status", *status},
                    {"restart_in_seconds", static_cast<int>(restart_delay_.count())}});
      c.pid = 0;
      c.restart_at = now + restart_delay_;
    } else if (now >= c.restart_at) {
      // Its PostgreSQL may outlive a killed Patroni: the new Patroni adopts
      // it (Patroni recognises a running postmaster of its data directory).
      if (auto launched = Launch(c); !launched) {
        logger_.Error("cluster process did not restart",
                      {{"process", c.name}, {"error", launched.error().message}});
        c.restart_at = now + restart_delay_;
      }
    }
  }
}

void ClusterSupervisor::StopChildren(std::vector<Child*> children, std::chrono::seconds grace) {
  for (Child* c : children) {
    if (c->pid != 0) ::kill(c->pid, SIGTERM);
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (Child* c : children) {
    if (c->pid == 0) continue;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!db::WaitChild(c->pid, std::max(left, std::chrono::milliseconds(0)))) {
      logger_.Warn("cluster process did not stop in time; killing it", {{"process", c->name}});
      ::kill(c->pid, SIGKILL);
      db::WaitChild(c->pid, std::chrono::seconds(5));
    }
    c->pid = 0;
    ::unlink(c->pid_path.c_str());
  }
}

void ClusterSupervisor::Stop() {
  if (!started_) return;
  started_ = false;
  std::vector<Child*> agents;
  for (std::size_t i = 1; i < children_.size(); ++i) agents.push_back(&children_[i]);
  StopChildren(agents, std::chrono::seconds(60));
  // A PostgreSQL whose Patroni was killed (or never restarted) outlives it.
  for (Child* c : agents) StopOrphanOf(*c);
  StopChildren({&children_.front()}, std::chrono::seconds(20));
  logger_.Info("cluster processes stopped");
}

}  // namespace citadel::platform
