#include "platform/tenant_catalog.hpp"

#include "db/error.hpp"

namespace citadel::platform::tenant_catalog {
namespace {

// The columns every read returns, timestamps already in RFC 3339 UTC.
#define CITADEL_TENANT_COLUMNS                                                          \
  "id, name, db_name, role_name, cluster, state, "                                      \
  "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, " \
  "to_char(dropped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS dropped_at, "  \
  "admin_login"

TenantRecord RowAt(const db::QueryResult& r, int row) {
  TenantRecord t;
  t.id = std::stoll(r.Text(row, "id", "0"));
  t.name = r.Text(row, "name");
  t.db_name = r.Text(row, "db_name");
  t.role_name = r.Text(row, "role_name");
  t.cluster = r.Text(row, "cluster");
  t.state = r.Text(row, "state");
  t.created_at = r.Text(row, "created_at");
  if (auto d = r.Get(row, "dropped_at")) t.dropped_at = std::string(*d);
  t.admin_login = r.Text(row, "admin_login");
  return t;
}

core::Result<void> Done(const core::Result<db::QueryResult>& r) {
  if (!r) return core::Unexpected(r.error());
  return {};
}

}  // namespace

core::Result<TenantRecord> InsertCreating(db::Connection& catalog, const NewTenantRow& row) {
  auto r = catalog.Execute(
      "INSERT INTO tenants (name, db_name, role_name, cluster, state, admin_login, "
      "admin_password_hash) VALUES ($1, $2, $3, $4, 'creating', $5, $6) "
      "RETURNING " CITADEL_TENANT_COLUMNS,
      row.name, row.db_name, row.role_name, row.cluster, row.admin_login, row.admin_password_hash);
  if (!r) {
    if (db::IsUniqueViolation(r.error())) {
      return core::Fail(core::ErrorCode::kAlreadyExists,
                        "a tenant named '" + row.name + "' already exists");
    }
    return core::Unexpected(r.error());
  }
  return RowAt(*r, 0);
}

core::Result<void> SetState(db::Connection& catalog, std::int64_t id, std::string_view state) {
  return Done(catalog.Execute("UPDATE tenants SET state = $2 WHERE id = $1", id, state));
}

core::Result<void> MarkDropped(db::Connection& catalog, std::int64_t id) {
  if (auto r = Done(catalog.Execute(
          "UPDATE tenants SET state = 'dropped', dropped_at = now() WHERE id = $1", id));
      !r) {
    return r;
  }
  // A dropped tenant's sessions could open nothing (lookups want a live
  // tenant); they go now rather than with the expiry sweep.
  return Done(catalog.Execute("DELETE FROM web_sessions WHERE tenant_id = $1", id));
}

core::Result<void> Erase(db::Connection& catalog, std::int64_t id) {
  return Done(catalog.Execute("DELETE FROM tenants WHERE id = $1", id));
}

core::Result<TenantRecord> FindLive(db::Connection& catalog, std::string_view name) {
  auto r = catalog.Execute("SELECT " CITADEL_TENANT_COLUMNS
                           " FROM tenants WHERE name = $1 AND state <> 'dropped'",
                           name);
  if (!r) return core::Unexpected(r.error());
  if (r->empty()) {
    return core::Fail(core::ErrorCode::kNotFound, "no tenant named '" + std::string(name) + "'");
  }
  return RowAt(*r, 0);
}

core::Result<TenantRecord> FindById(db::Connection& catalog, std::int64_t id) {
  auto r = catalog.Execute("SELECT " CITADEL_TENANT_COLUMNS " FROM tenants WHERE id = $1", id);
  if (!r) return core::Unexpected(r.error());
  if (r->empty()) {
    return core::Fail(core::ErrorCode::kNotFound, "no tenant with id " + std::to_string(id));
  }
  return RowAt(*r, 0);
}

core::Result<std::vector<TenantRecord>> List(db::Connection& catalog, bool include_dropped) {
  auto r = catalog.Execute("SELECT " CITADEL_TENANT_COLUMNS
                           " FROM tenants WHERE $1 OR state <> 'dropped' ORDER BY name, id",
                           include_dropped);
  if (!r) return core::Unexpected(r.error());
  std::vector<TenantRecord> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) out.push_back(RowAt(*r, i));
  return out;
}

// Not beyond this file (the unity build compiles several files as one).
#undef CITADEL_TENANT_COLUMNS

core::Result<std::string> AdminPasswordHash(db::Connection& catalog, std::string_view name) {
  auto r = catalog.Execute(
      "SELECT admin_password_hash FROM tenants WHERE name = $1 AND state <> 'dropped'", name);
  if (!r) return core::Unexpected(r.error());
  if (r->empty()) {
    return core::Fail(core::ErrorCode::kNotFound, "no tenant named '" + std::string(name) + "'");
  }
  return r->Text(0, "admin_password_hash");
}

}  // namespace citadel::platform::tenant_catalog
