// TenantCatalog: the rows of citadel_catalog.tenants, read and written with
// bound parameters on a catalog connection the caller lends.
//
// A tenant's life is creating -> active -> dropping -> dropped; dropped rows
// stay as the record of the drop. Names are unique among tenants that are not
// dropped (a partial unique index), so two concurrent creates of one name
// cannot both succeed. Stateless; the connection is used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::platform {

struct TenantRecord {
  std::int64_t id = 0;
  std::string name;
  std::string db_name;    // opaque t_<12 of [a-z0-9]>
  std::string role_name;  // the same opaque name: one role per database
  std::string cluster;    // "default" for the embedded or configured cluster
  std::string state;      // creating | active | dropping | dropped
  std::string created_at;                 // RFC 3339, UTC
  std::optional<std::string> dropped_at;  // RFC 3339, UTC
  std::string admin_login;
};

struct NewTenantRow {
  std::string name;
  std::string db_name;
  std::string role_name;
  std::string cluster;
  std::string admin_login;
  std::string admin_password_hash;
};

namespace tenant_catalog {

// kAlreadyExists if a live tenant has this name.
core::Result<TenantRecord> InsertCreating(db::Connection& catalog, const NewTenantRow& row);
core::Result<void> SetState(db::Connection& catalog, std::int64_t id, std::string_view state);
core::Result<void> MarkDropped(db::Connection& catalog, std::int64_t id);
// Forgets a tenant whose creation was undone (it never existed).
core::Result<void> Erase(db::Connection& catalog, std::int64_t id);
// The tenant with this name that is not dropped; kNotFound otherwise.
core::Result<TenantRecord> FindLive(db::Connection& catalog, std::string_view name);
core::Result<TenantRecord> FindById(db::Connection& catalog, std::int64_t id);
core::Result<std::vector<TenantRecord>> List(db::Connection& catalog, bool include_dropped);
core::Result<std::string> AdminPasswordHash(db::Connection& catalog, std::string_view name);

}  // namespace tenant_catalog
}  // namespace citadel::platform
