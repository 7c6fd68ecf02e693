// EmbeddedCluster's file-system half: directories, initdb, configuration.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file_system.hpp"
#include "db/child_process.hpp"
#include "db/embedded_cluster.hpp"

namespace citadel::db {
namespace {

bool CanSearch(const struct stat& st, const ServiceUser& user) {
  if (st.st_uid == user.uid) return (st.st_mode & S_IXUSR) != 0;
  if (st.st_gid == user.gid) return (st.st_mode & S_IXGRP) != 0;
  return (st.st_mode & S_IXOTH) != 0;
}

core::Result<void> ChownTo(const std::string& path, const ServiceUser& user) {
  if (user.is_self) return {};
  if (::chown(path.c_str(), user.uid, user.gid) != 0) {
    return core::Fail(core::ErrorCode::kIo, "cannot chown " + path + ": " + std::strerror(errno));
  }
  return {};
}

core::Result<void> AppendToFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return core::Fail(core::ErrorCode::kIo, "cannot open " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = (::fsync(fd) == 0) && ok;
  ::close(fd);
  if (!ok) return core::Fail(core::ErrorCode::kIo, "cannot write " + path);
  return {};
}

}  // namespace

std::vector<std::string> EmbeddedCluster::ChildEnvironment() const {
  // A fixed environment: nothing from ours (PGPASSWORD, PGHOST, LD_PRELOAD...)
  // reaches PostgreSQL.
  return {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "HOME=" + layout_.pg_dir,
          "TZ=UTC"};
}

std::string EmbeddedCluster::StartupLogPath() const { return layout_.log_dir + "/startup.log"; }

core::Result<void> EmbeddedCluster::CheckDataDirReachable() const {
  // The service user must be able to walk down to <data_dir>/pg. Citadel's
  // own data directory gets search-only permission for others (o+x: no
  // listing); any other ancestor is the operator's to fix.
  namespace fs = std::filesystem;
  for (fs::path dir = fs::path(layout_.data_dir); !dir.empty(); dir = dir.parent_path()) {
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0) {
      return core::Fail(core::ErrorCode::kIo, "cannot inspect " + dir.string());
    }
    if (!CanSearch(st, user_)) {
      if (dir == fs::path(layout_.data_dir) && st.st_uid == ::geteuid()) {
        if (::chmod(dir.c_str(), (st.st_mode & 07777) | S_IXOTH) != 0) {
          return core::Fail(core::ErrorCode::kIo, "cannot chmod " + dir.string());
        }
      } else {
        return core::Fail(core::ErrorCode::kPermissionDenied,
                          "the PostgreSQL service user '" + user_.name + "' cannot reach " +
                              dir.string() + ": allow it to search (chmod o+x) or choose "
                              "another data directory");
      }
    }
    if (dir == dir.root_path()) break;
  }
  return {};
}

core::Result<bool> EmbeddedCluster::Bootstrap() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(layout_.data_dir, ec)) {
    fs::create_directories(layout_.data_dir, ec);
    if (ec) return core::Fail(core::ErrorCode::kIo, "cannot create " + layout_.data_dir);
    ::chmod(layout_.data_dir.c_str(), 0700);
  }
  auto user = ResolveServiceUser(options_.service_user, layout_.pg_dir);
  if (!user) return core::Unexpected(user.error());
  user_ = *user;
  if (!user_.is_self) {
    if (auto r = CheckDataDirReachable(); !r) return core::Unexpected(r.error());
  }
  for (const auto& dir : {layout_.pg_dir, layout_.log_dir, layout_.socket_dir}) {
    if (auto r = PrepareDirectory(dir, 0700, user_); !r) return core::Unexpected(r.error());
  }
  bool ran_initdb = false;
  if (!fs::exists(layout_.initialized_marker, ec)) {
    // No marker: there was never a first start that finished, so whatever is
    // in PGDATA is an interrupted initdb's debris, never data.
    fs::remove_all(layout_.pgdata, ec);
    if (auto r = PrepareDirectory(layout_.pgdata, 0700, user_); !r) return core::Unexpected(r.error());
    ChildSpec spec;
    spec.argv = {options_.pg_bin_dir + "/initdb", "-D", layout_.pgdata, "--encoding=UTF8",
                 "--locale=C.UTF-8", "--auth-local=peer", "--auth-host=reject",
                 "--username=" + options_.superuser_role};
    if (!options_.initdb_sync) spec.argv.push_back("--no-sync");
    spec.env = ChildEnvironment();
    spec.run_as = user_;
    spec.output_path = layout_.log_dir + "/initdb.log";
    spec.working_dir = layout_.pg_dir;
    logger_.Info("initialising the embedded PostgreSQL cluster", {{"pgdata", layout_.pgdata}});
    auto status = RunChild(spec, std::chrono::minutes(5));
    if (!status) return core::Unexpected(status.error());
    if (*status != 0) {
      return core::Fail(core::ErrorCode::kInternal, "initdb failed (exit status " +
                                                        std::to_string(*status) + "); see " +
                                                        spec.output_path);
    }
    auto r = AppendToFile(layout_.pgdata + "/postgresql.conf",
                          "\n# Citadel's settings, rewritten at every start.\n"
                          "include 'citadel.conf'\n");
    if (!r) return core::Unexpected(r.error());
    ran_initdb = true;
  }
  if (auto r = WriteConfiguration(); !r) return core::Unexpected(r.error());
  if (ran_initdb) {
    auto r = core::RealFileSystem::Instance().WriteFileAtomic(layout_.initialized_marker,
                                                              "initdb done\n", 0600);
    if (!r) return core::Unexpected(r.error());
  }
  return ran_initdb;
}

core::Result<void> EmbeddedCluster::WriteConfiguration() {
  ClusterSettings settings;
  settings.max_connections = options_.max_connections;
  settings.extra = options_.extra_settings;
  std::vector<std::string> os_users = {user_.name};
  for (std::string u : {std::string("root"), CurrentUserName()}) {
    if (std::find(os_users.begin(), os_users.end(), u) == os_users.end()) os_users.push_back(u);
  }
  const std::pair<std::string, std::string> files[] = {
      {layout_.pgdata + "/citadel.conf", RenderSettings(layout_, settings)},
      {layout_.pgdata + "/pg_hba.conf", RenderHba(options_.superuser_role)},
      {layout_.pgdata + "/pg_ident.conf", RenderIdent(os_users, options_.superuser_role)},
  };
  auto& fs = core::RealFileSystem::Instance();
  for (const auto& [path, content] : files) {
    if (auto r = fs.WriteFileAtomic(path, content, 0600); !r) return r;
    if (auto r = ChownTo(path, user_); !r) return r;
  }
  return {};
}

}  // namespace citadel::db
