// ClusterAccess: how Citadel reaches one PostgreSQL cluster, as the
// provisioning role (cluster-wide DDL: databases, roles) and as a tenant's
// login role.
//
// Two kinds: the embedded cluster's Unix socket with the superuser `citadel`
// authenticated by peer (LocalSocketClusterAccess), and an external cluster
// given by an operator's DSN for a superuser, or a role with CREATEROLE and
// CREATEDB (ExternalClusterAccess). Tenant DSNs keep only the server-locating
// and TLS options of the operator's DSN, never its user, password, client
// certificate or service file.
//
// Immutable after construction; thread-safe. The strings returned may hold
// passwords: never log them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "db/conninfo.hpp"

namespace citadel::db {

class ClusterAccess {
 public:
  virtual ~ClusterAccess() = default;
  // The catalog's name for this cluster ("default").
  virtual std::string name() const = 0;
  // The database to connect to for cluster-wide DDL.
  virtual std::string MaintenanceDatabase() const = 0;
  virtual std::string ProvisioningDsn(std::string_view dbname) const = 0;
  virtual std::string LoginDsn(std::string_view dbname, std::string_view role,
                               std::string_view password) const = 0;
  // A connection to a DSN it gave could not be opened. An access that
  // locates a moving primary looks again next time; the others ignore it.
  virtual void ConnectFailed() const {}
};

class LocalSocketClusterAccess final : public ClusterAccess {
 public:
  LocalSocketClusterAccess(std::string socket_dir, int port, std::string superuser);
  std::string name() const override { return "default"; }
  std::string MaintenanceDatabase() const override { return "postgres"; }
  std::string ProvisioningDsn(std::string_view dbname) const override;
  std::string LoginDsn(std::string_view dbname, std::string_view role,
                       std::string_view password) const override;

 private:
  ConnInfo Base() const;
  std::string socket_dir_;
  int port_;
  std::string superuser_;
};

class ExternalClusterAccess final : public ClusterAccess {
 public:
  // kInvalidArgument if `dsn` cannot be parsed (the message never echoes it).
  static core::Result<std::unique_ptr<ExternalClusterAccess>> Make(const std::string& dsn,
                                                                   std::string cluster_name);
  std::string name() const override { return name_; }
  std::string MaintenanceDatabase() const override { return maintenance_db_; }
  std::string ProvisioningDsn(std::string_view dbname) const override;
  std::string LoginDsn(std::string_view dbname, std::string_view role,
                       std::string_view password) const override;

 private:
  ExternalClusterAccess(ConnInfo info, std::string name, std::string maintenance_db)
      : info_(std::move(info)), name_(std::move(name)), maintenance_db_(std::move(maintenance_db)) {}
  ConnInfo info_;
  std::string name_;
  std::string maintenance_db_;
};

}  // namespace citadel::db
