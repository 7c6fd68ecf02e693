#include "platform/support_grants.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace citadel::platform {
namespace {

// The columns every grant query selects, as SupportGrantFromRow reads them.
#define CITADEL_GRANT_COLUMNS                                                                     \
  "g.id, g.access, g.models, coalesce(a.login, '') AS staff, g.opened_by, g.ticket, "             \
  "to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created, "       \
  "to_char(g.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS expires, "       \
  "coalesce(to_char(g.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS "  \
  "revoked, "                                                                                     \
  "coalesce(g.revoked_by, '') AS revoked_by, (g.revoked_at IS NULL AND g.expires_at > now()) AS " \
  "active "

SupportGrant SupportGrantFromRow(const db::QueryResult& rows, int row) {
  SupportGrant grant;
  grant.id = std::stoll(rows.Text(row, "id"));
  grant.read_write = rows.Text(row, "access") == "write";
  const auto models = nlohmann::json::parse(rows.Text(row, "models"), nullptr, false);
  if (models.is_array()) {
    for (const auto& m : models)
      if (m.is_string()) grant.models.push_back(m.get<std::string>());
  }
  grant.staff_login = rows.Text(row, "staff");
  grant.opened_by = rows.Text(row, "opened_by");
  grant.ticket = rows.Text(row, "ticket");
  grant.created_at = rows.Text(row, "created");
  grant.expires_at = rows.Text(row, "expires");
  grant.revoked_at = rows.Text(row, "revoked");
  grant.revoked_by = rows.Text(row, "revoked_by");
  grant.active = rows.Text(row, "active") == "t";
  return grant;
}

bool IsPrintableTicket(std::string_view ticket) {
  return ticket.size() <= 64 &&
         std::all_of(ticket.begin(), ticket.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

}  // namespace

bool IsGrantableModelName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

core::Result<SupportGrant> SupportGrants::Open(std::string_view tenant,
                                               const NewSupportGrant& grant) {
  if (grant.hours < 1 || grant.hours > kMaxGrantHours) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "a support grant lasts 1 to 168 hours (7 days)");
  }
  if (grant.models.empty() || grant.models.size() > kMaxGrantModels) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "a support grant names 1 to 200 models");
  }
  std::vector<std::string> models = grant.models;
  for (const std::string& model : models) {
    if (!IsGrantableModelName(model)) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "a support grant names models by their technical names");
    }
  }
  std::sort(models.begin(), models.end());
  models.erase(std::unique(models.begin(), models.end()), models.end());
  if (!IsPrintableTicket(grant.ticket) || grant.opened_by.empty() || grant.opened_by.size() > 100) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "a ticket reference is at most 64 printable characters");
  }
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  // The staff member named must exist and be enabled; the tenant must be live.
  auto rows = (*catalog)->Execute(
      "WITH g AS (INSERT INTO support_grants (tenant_id, access, models, staff_id, opened_by, "
      "ticket, expires_at) "
      "SELECT t.id, $2, $3, a.id, $5, $6, now() + make_interval(hours => $7::int) FROM tenants t "
      "LEFT JOIN staff_accounts a ON a.login = $4 AND NOT a.disabled "
      "WHERE t.name = $1 AND t.state = 'active' AND ($4 = '' OR a.id IS NOT NULL) RETURNING *) "
      "SELECT " CITADEL_GRANT_COLUMNS "FROM g LEFT JOIN staff_accounts a ON a.id = g.staff_id",
      tenant, grant.read_write ? "write" : "read", nlohmann::json(models).dump(), grant.staff_login,
      grant.opened_by, grant.ticket, grant.hours);
  if (!rows) return core::Unexpected(rows.error());
  if (rows->empty()) {
    return core::Fail(core::ErrorCode::kNotFound,
                      "no such live tenant, or no such enabled staff member");
  }
  return SupportGrantFromRow(*rows, 0);
}

core::Result<std::vector<SupportGrant>> SupportGrants::List(std::string_view tenant,
                                                            bool include_ended, int limit) {
  limit = std::clamp(limit, 1, 500);
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute("SELECT " CITADEL_GRANT_COLUMNS
                                  "FROM support_grants g JOIN tenants t ON t.id = g.tenant_id LEFT "
                                  "JOIN staff_accounts a ON a.id = g.staff_id "
                                  "WHERE t.name = $1 AND t.state <> 'dropped' AND ($2 OR "
                                  "(g.revoked_at IS NULL AND g.expires_at > now())) "
                                  "ORDER BY g.id DESC LIMIT $3",
                                  tenant, include_ended, limit);
  if (!rows) return core::Unexpected(rows.error());
  std::vector<SupportGrant> grants;
  for (int row = 0; row < rows->rows(); ++row) grants.push_back(SupportGrantFromRow(*rows, row));
  return grants;
}

core::Result<bool> SupportGrants::Revoke(std::string_view tenant, std::int64_t grant_id,
                                         std::string_view by) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto done = (*catalog)->Execute(
      "WITH g AS (UPDATE support_grants SET revoked_at = now(), revoked_by = $3 WHERE id = $2 AND "
      "revoked_at IS NULL "
      "AND tenant_id IN (SELECT id FROM tenants WHERE name = $1 AND state <> 'dropped') RETURNING "
      "id), "
      "s AS (UPDATE staff_sessions SET ended_at = now() WHERE ended_at IS NULL AND grant_id IN "
      "(SELECT id FROM g) "
      "RETURNING 1) SELECT (SELECT count(*) FROM g) AS revoked, (SELECT count(*) FROM s) AS "
      "sessions",
      tenant, grant_id, by);
  if (!done) return core::Unexpected(done.error());
  return done->Text(0, "revoked") == "1";
}

core::Result<std::optional<SupportGrant>> SupportGrants::ActiveFor(std::string_view tenant,
                                                                   std::int64_t staff_id) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT " CITADEL_GRANT_COLUMNS
      "FROM support_grants g JOIN tenants t ON t.id = g.tenant_id LEFT JOIN staff_accounts a ON "
      "a.id = g.staff_id "
      "WHERE t.name = $1 AND t.state = 'active' AND g.revoked_at IS NULL AND g.expires_at > now() "
      "AND (g.staff_id IS NULL OR g.staff_id = $2) ORDER BY g.id DESC LIMIT 1",
      tenant, staff_id);
  if (!rows) return core::Unexpected(rows.error());
  if (rows->empty()) return std::optional<SupportGrant>();
  return std::optional<SupportGrant>(SupportGrantFromRow(*rows, 0));
}

}  // namespace citadel::platform

#undef CITADEL_GRANT_COLUMNS
