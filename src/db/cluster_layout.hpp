// Where the embedded cluster keeps its files, and what its configuration says.
//
//   <data_dir>/pg/data         PGDATA (0700, the service user's)
//   <data_dir>/pg/log          PostgreSQL's logs (0700)
//   <data_dir>/pg/initialized  written once initdb and configuration succeeded
//   <data_dir>/run             the Unix socket directory (0700), or, when
//                              <data_dir>/run/.s.PGSQL.<port> would not fit
//                              the 107-byte sun_path, /tmp/citadel-<8 hex>
//
// The rendered files are the security boundary of the cluster: no TCP
// listener at all, a socket only its owner (and root) can reach, the
// superuser role only by peer authentication from mapped OS users, every
// other role by SCRAM password. Pure functions (but PrepareDirectory, which
// touches the file system); thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "db/service_user.hpp"

namespace citadel::db {

struct ClusterLayout {
  std::string data_dir;
  std::string pg_dir;
  std::string pgdata;
  std::string log_dir;
  std::string socket_dir;
  std::string initialized_marker;
  int port = 5432;

  std::string SocketPath() const;
};

inline constexpr std::size_t kMaxSocketPath = 107;  // sizeof(sun_path) - 1

ClusterLayout MakeClusterLayout(const std::string& data_dir, int port);

struct ClusterSettings {
  int max_connections = 200;
  std::vector<std::pair<std::string, std::string>> extra;  // name, already-quoted value
};

// Our settings file (included from postgresql.conf).
std::string RenderSettings(const ClusterLayout& layout, const ClusterSettings& settings);
std::string RenderHba(const std::string& superuser_role);
// Maps each OS user in `os_users` to `superuser_role` (map name "citadel").
std::string RenderIdent(const std::vector<std::string>& os_users, const std::string& superuser_role);

// Creates `path` if needed, refuses a symlink or a directory owned by a
// stranger (someone could be waiting on a socket path in /tmp), then makes it
// owned by `owner` with `mode`.
core::Result<void> PrepareDirectory(const std::string& path, mode_t mode, const ServiceUser& owner);

}  // namespace citadel::db
