#include "db/cluster_layout.hpp"

#include "core/hex.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

namespace citadel::db {
namespace {

// A postgresql.conf string literal: single quotes, embedded quotes doubled.
std::string ConfString(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string ShortHash(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return core::HexEncode(std::string_view(reinterpret_cast<const char*>(digest), 4));
}

}  // namespace

std::string ClusterLayout::SocketPath() const {
  return socket_dir + "/.s.PGSQL." + std::to_string(port);
}

ClusterLayout MakeClusterLayout(const std::string& data_dir, int port) {
  ClusterLayout l;
  l.data_dir = data_dir;
  while (l.data_dir.size() > 1 && l.data_dir.back() == '/') l.data_dir.pop_back();
  l.pg_dir = l.data_dir + "/pg";
  l.pgdata = l.pg_dir + "/data";
  l.log_dir = l.pg_dir + "/log";
  l.initialized_marker = l.pg_dir + "/initialized";
  l.port = port;
  l.socket_dir = l.data_dir + "/run";
  if (l.SocketPath().size() > kMaxSocketPath) {
    l.socket_dir = "/tmp/citadel-" + ShortHash(l.data_dir);
  }
  return l;
}

std::string RenderSettings(const ClusterLayout& layout, const ClusterSettings& settings) {
  std::string s =
      "# Written by Citadel at every start: edits here are overwritten.\n"
      "listen_addresses = ''\n"  // never TCP: only the Unix socket below
      "unix_socket_directories = " + ConfString(layout.socket_dir) + "\n"
      "unix_socket_permissions = 0700\n"
      "max_connections = " + std::to_string(settings.max_connections) + "\n"
      "password_encryption = 'scram-sha-256'\n"
      "logging_collector = on\n"
      "log_directory = " + ConfString(layout.log_dir) + "\n"
      "log_filename = 'postgresql-%Y-%m-%d.log'\n"
      "log_file_mode = 0600\n"
      "log_rotation_age = '1d'\n"
      "log_line_prefix = '%m [%p] %q%u@%d '\n";
  for (const auto& [name, value] : settings.extra) s += name + " = " + value + "\n";
  return s;
}

std::string RenderHba(const std::string& superuser_role) {
  return "# Written by Citadel at every start: edits here are overwritten.\n"
         "# No host lines: the cluster listens on no TCP port.\n"
         "local all " + superuser_role + " peer map=citadel\n"
         "local all all scram-sha-256\n";
}

std::string RenderIdent(const std::vector<std::string>& os_users,
                        const std::string& superuser_role) {
  std::string s = "# Written by Citadel at every start: edits here are overwritten.\n";
  for (const auto& user : os_users) s += "citadel " + user + " " + superuser_role + "\n";
  return s;
}

core::Result<void> PrepareDirectory(const std::string& path, mode_t mode, const ServiceUser& owner) {
  auto io = [&](const char* what) {
    return core::Fail(core::ErrorCode::kIo,
                      std::string(what) + " " + path + ": " + std::strerror(errno));
  };
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return io("cannot create");
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return io("cannot inspect");
  if (!S_ISDIR(st.st_mode)) {
    return core::Fail(core::ErrorCode::kPermissionDenied,
                      path + " is not a directory (a symlink is refused)");
  }
  if (st.st_uid != owner.uid && st.st_uid != ::geteuid()) {
    return core::Fail(core::ErrorCode::kPermissionDenied,
                      path + " belongs to another user (uid " + std::to_string(st.st_uid) + ")");
  }
  if (!owner.is_self && ::chown(path.c_str(), owner.uid, owner.gid) != 0) return io("cannot chown");
  if (::chmod(path.c_str(), mode) != 0) return io("cannot chmod");
  return {};
}

}  // namespace citadel::db
