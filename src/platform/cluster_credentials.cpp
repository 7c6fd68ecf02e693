#include "platform/cluster_credentials.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "db/conninfo.hpp"

namespace citadel::platform {

ClusterCredentials GenerateClusterCredentials() {
  ClusterCredentials c;
  c.superuser_password = core::RandomPassword(32);
  c.replication_password = core::RandomPassword(32);
  c.rest_password = core::RandomPassword(32);
  c.repo1_cipher_pass = core::RandomPassword(48);
  c.repo2_cipher_pass = core::RandomPassword(48);
  c.etcd_root_password = core::RandomPassword(32);
  c.etcd_patroni_password = core::RandomPassword(32);
  return c;
}

std::string SerializeClusterCredentials(const ClusterCredentials& c) {
  nlohmann::json j = {
      {"superuser", {{"username", c.superuser}, {"password", c.superuser_password}}},
      {"replication", {{"username", c.replication_user}, {"password", c.replication_password}}},
      {"rest_api", {{"username", c.rest_user}, {"password", c.rest_password}}},
      {"pgbackrest", {{"repo1_cipher_pass", c.repo1_cipher_pass}, {"repo2_cipher_pass", c.repo2_cipher_pass}}},
      {"etcd", {{"root_password", c.etcd_root_password}, {"patroni_password", c.etcd_patroni_password}}}};
  return j.dump(2) + "\n";
}

core::Result<ClusterCredentials> LoadClusterCredentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return core::Fail(core::ErrorCode::kNotFound,
                      "cannot read " + path + " (run `citadel cluster init --ha` first)");
  }
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > 64 * 1024)
    return core::Fail(core::ErrorCode::kInvalidArgument, path + " is too large");
  auto j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  ClusterCredentials c;
  auto field = [&j](const char* role, const char* key) -> std::string {
    if (!j.is_object() || !j.contains(role) || !j[role].is_object()) return {};
    const auto& v = j[role][key];
    return v.is_string() ? v.get<std::string>() : std::string();
  };
  c.superuser = field("superuser", "username");
  c.superuser_password = field("superuser", "password");
  c.replication_user = field("replication", "username");
  c.replication_password = field("replication", "password");
  c.rest_user = field("rest_api", "username");
  c.rest_password = field("rest_api", "password");
  // Absent from files written before archiving existed: `cluster init` adds them.
  c.repo1_cipher_pass = field("pgbackrest", "repo1_cipher_pass");
  c.repo2_cipher_pass = field("pgbackrest", "repo2_cipher_pass");
  c.etcd_root_password = field("etcd", "root_password");
  c.etcd_patroni_password = field("etcd", "patroni_password");
  if (c.superuser.empty() || c.superuser_password.empty() || c.replication_user.empty() ||
      c.replication_password.empty() || c.rest_user.empty() || c.rest_password.empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      path + " is not a cluster credentials file");
  }
  return c;
}

std::string ClusterPrimaryDsn(const ClusterTopology& topology,
                              const ClusterCredentials& credentials, const std::string& dbname) {
  std::string hosts, ports;
  for (const auto& m : topology.members) {
    if (!hosts.empty()) {
      hosts += ",";
      ports += ",";
    }
    hosts += topology.address;
    ports += std::to_string(m.postgres_port);
  }
  // connect_timeout bounds a member that is silent rather than refusing
  // (a lost host); libpq then tries the next one.
  db::ConnInfo info{{"host", hosts},
                    {"port", ports},
                    {"target_session_attrs", "read-write"},
                    {"connect_timeout", "2"},
                    {"user", credentials.superuser},
                    {"password", credentials.superuser_password},
                    {"dbname", dbname}};
  for (auto& option : ClusterSslOptions(topology)) info.push_back(std::move(option));
  return db::FormatConnInfo(info);
}

db::ConnInfo ClusterSslOptions(const ClusterTopology& topology) {
  if (!topology.tls.enabled) return {};
  return {{"sslmode", "verify-full"}, {"sslrootcert", topology.tls.CaCertPath()}};
}

core::Result<void> WriteOwnerOnlyFile(const std::string& path, const std::string& text,
                                      const db::ServiceUser& owner) {
  const std::string temporary = path + ".tmp";
  ::unlink(temporary.c_str());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return core::Fail(core::ErrorCode::kIo,
                      "cannot create " + temporary + ": " + std::strerror(errno));
  bool ok = true;
  std::size_t written = 0;
  while (ok && written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  if (ok && !owner.is_self) ok = ::fchown(fd, owner.uid, owner.gid) == 0;
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    return core::Fail(core::ErrorCode::kIo, "cannot write " + path + ": " + reason);
  }
  return {};
}

}  // namespace citadel::platform
