#include "cli/cluster_session.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "core/logger.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_primary_access.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::cli {

core::Result<void> EnsureDataDirectory(const std::string& data_dir) {
  struct stat st{};
  if (::stat(data_dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return core::Fail(core::ErrorCode::kInvalidArgument, data_dir + " is not a directory");
    }
    return {};
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return core::Fail(core::ErrorCode::kIo, "cannot create data directory " + data_dir + ": " +
                                                ec.message());
  }
  mode_t mode = ::geteuid() == 0 ? 0711 : 0700;
  if (::chmod(data_dir.c_str(), mode) != 0) {
    return core::Fail(core::ErrorCode::kIo, "cannot chmod " + data_dir + ": " + std::strerror(errno));
  }
  return {};
}

core::Result<std::unique_ptr<ClusterSession>> ClusterSession::Open(const core::ServerConfig& config,
                                                                   Purpose purpose) {
  std::unique_ptr<ClusterSession> session(new ClusterSession());
  if (config.database.pg_dsn.empty() && config.cluster.ha) {
    // The high-availability cluster (`citadel cluster run` runs it): its
    // current primary, found through Patroni (platform/cluster_primary_access.hpp).
    auto topology = platform::MakeClusterTopology(config.cluster, config.data_dir);
    auto credentials = platform::LoadClusterCredentials(topology.CredentialsPath());
    if (!credentials) return core::Unexpected(credentials.error());
    session->access_ = std::make_shared<platform::ClusterPrimaryAccess>(
        std::move(topology), std::move(*credentials),
        std::chrono::seconds(config.cluster.primary_wait_seconds));
  } else if (!config.database.pg_dsn.empty()) {
    auto external = db::ExternalClusterAccess::Make(config.database.pg_dsn, "default");
    if (!external) return core::Unexpected(external.error());
    session->access_ = std::move(*external);
  }
  if (session->access_) {  // a cluster we do not run: serve only locks the data directory
    if (purpose == Purpose::kServe) {
      if (auto made = EnsureDataDirectory(config.data_dir); !made) return core::Unexpected(made.error());
      auto lock = DataDirLock::TryAcquire(config.data_dir);
      if (!lock) return core::Unexpected(lock.error());
      session->lock_.emplace(std::move(*lock));
    }
    return session;
  }

  if (auto made = EnsureDataDirectory(config.data_dir); !made) return core::Unexpected(made.error());
  auto lock = DataDirLock::TryAcquire(config.data_dir);
  if (!lock) {
    if (lock.error().code != core::ErrorCode::kAlreadyExists || purpose == Purpose::kServe) {
      return core::Unexpected(lock.error());
    }
    // A server runs the cluster: borrow it through its socket.
    auto options = db::EmbeddedClusterOptions::FromConfig(config);
    auto layout = db::MakeClusterLayout(options.data_dir, options.port);
    session->access_ = std::make_shared<db::LocalSocketClusterAccess>(
        layout.socket_dir, options.port, options.superuser_role);
    return session;
  }
  session->lock_.emplace(std::move(*lock));
  session->cluster_ =
      std::make_unique<db::EmbeddedCluster>(db::EmbeddedClusterOptions::FromConfig(config));
  auto started = session->cluster_->Start();
  if (!started) return core::Unexpected(started.error());
  session->ran_initdb_ = started->ran_initdb;
  session->access_ = session->cluster_->Access();
  return session;
}

ClusterSession::~ClusterSession() {
  access_.reset();
  if (cluster_) {
    if (auto stopped = cluster_->Stop(); !stopped) {
      core::Log().Error("embedded PostgreSQL did not stop cleanly",
                        {{"error", stopped.error().message}});
    }
    cluster_.reset();
  }
  lock_.reset();
}

}  // namespace citadel::cli
