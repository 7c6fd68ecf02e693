#include "db/cluster_access.hpp"

#include <algorithm>
#include <array>

namespace citadel::db {
namespace {

// The options of an operator's DSN that say where the server is and how to
// trust it; identity options (user, password, passfile, sslcert, sslkey,
// service, options) are the provisioning role's and are not passed on.
constexpr std::array<std::string_view, 20> kServerOptions = {
    "host", "hostaddr", "port", "connect_timeout", "sslmode", "sslrootcert", "sslcrl",
    "sslcrldir", "sslsni", "target_session_attrs", "keepalives", "keepalives_idle",
    "keepalives_interval", "keepalives_count", "tcp_user_timeout", "channel_binding",
    "gssencmode", "ssl_min_protocol_version", "ssl_max_protocol_version", "requirepeer"};

}  // namespace

LocalSocketClusterAccess::LocalSocketClusterAccess(std::string socket_dir, int port,
                                                   std::string superuser)
    : socket_dir_(std::move(socket_dir)), port_(port), superuser_(std::move(superuser)) {}

ConnInfo LocalSocketClusterAccess::Base() const {
  return ConnInfo{{"host", socket_dir_}, {"port", std::to_string(port_)}};
}

std::string LocalSocketClusterAccess::ProvisioningDsn(std::string_view dbname) const {
  ConnInfo info = Base();
  info.emplace_back("user", superuser_);
  info.emplace_back("dbname", std::string(dbname));
  return FormatConnInfo(info);
}

std::string LocalSocketClusterAccess::LoginDsn(std::string_view dbname, std::string_view role,
                                               std::string_view password) const {
  ConnInfo info = Base();
  info.emplace_back("user", std::string(role));
  info.emplace_back("password", std::string(password));
  info.emplace_back("dbname", std::string(dbname));
  return FormatConnInfo(info);
}

core::Result<std::unique_ptr<ExternalClusterAccess>> ExternalClusterAccess::Make(
    const std::string& dsn, std::string cluster_name) {
  auto info = ParseConnInfo(dsn);
  if (!info) return core::Unexpected(info.error());
  std::string maintenance = "postgres";
  for (const auto& [k, v] : *info) {
    if (k == "dbname") maintenance = v;
  }
  return std::unique_ptr<ExternalClusterAccess>(
      new ExternalClusterAccess(std::move(*info), std::move(cluster_name), std::move(maintenance)));
}

std::string ExternalClusterAccess::ProvisioningDsn(std::string_view dbname) const {
  ConnInfo info = info_;
  SetConnOption(info, "dbname", std::string(dbname));
  return FormatConnInfo(info);
}

std::string ExternalClusterAccess::LoginDsn(std::string_view dbname, std::string_view role,
                                            std::string_view password) const {
  ConnInfo info;
  for (const auto& [k, v] : info_) {
    if (std::find(kServerOptions.begin(), kServerOptions.end(), k) != kServerOptions.end()) {
      info.emplace_back(k, v);
    }
  }
  info.emplace_back("user", std::string(role));
  info.emplace_back("password", std::string(password));
  info.emplace_back("dbname", std::string(dbname));
  return FormatConnInfo(info);
}

}  // namespace citadel::db
