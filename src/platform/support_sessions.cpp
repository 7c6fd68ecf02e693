#include "platform/support_sessions.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "core/sha256.hpp"

namespace citadel::platform {

bool LooksLikeSupportToken(std::string_view secret) {
  if (secret.size() != kSupportTokenPrefix.size() + 64 || !secret.starts_with(kSupportTokenPrefix))
    return false;
  const std::string_view hex = secret.substr(kSupportTokenPrefix.size());
  return std::all_of(hex.begin(), hex.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

core::Result<std::string> SupportSessions::Create(std::int64_t staff_id, std::int64_t tenant_id,
                                                  std::int64_t grant_id, std::int64_t uid) {
  std::string token = std::string(kSupportTokenPrefix) + core::RandomHex(32);
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  // Sign-ins are rare: each sweeps the sessions that ended long ago (the
  // audit keeps what they did).
  auto swept = (*catalog)->Execute(
      "DELETE FROM staff_sessions WHERE expires_at < now() - interval '30 days'");
  if (!swept) return core::Unexpected(swept.error());
  auto made = (*catalog)->Execute(
      "INSERT INTO staff_sessions (token_hash, staff_id, tenant_id, grant_id, uid, expires_at) "
      "SELECT $1, $2, $3, g.id, $5, least(g.expires_at, now() + make_interval(hours => $6::int)) "
      "FROM support_grants g WHERE g.id = $4 AND g.tenant_id = $3",
      core::Sha256Hex(token), staff_id, tenant_id, grant_id, uid, kSupportSessionHours);
  if (!made) return core::Unexpected(made.error());
  if (made->affected_rows() != 1)
    return core::Fail(core::ErrorCode::kNotFound, "no such grant for this tenant");
  return token;
}

core::Result<std::optional<SupportSessionCheck>> SupportSessions::Check(std::string_view token) {
  if (!LooksLikeSupportToken(token)) return std::optional<SupportSessionCheck>();
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  // One statement: the refusal is judged on the row as it was before this
  // call (the CTE's update is not visible to the SELECT), and a live, not
  // idle session is marked seen now.
  auto rows = (*catalog)->Execute(
      "WITH seen AS (UPDATE staff_sessions SET last_seen_at = now() WHERE token_hash = $1 "
      "AND ended_at IS NULL AND expires_at > now() "
      "AND last_seen_at > now() - make_interval(mins => $2::int) "
      "AND last_seen_at <= now() - make_interval(secs => $3::int) RETURNING 1) "
      "SELECT s.staff_id, a.login, t.name AS tenant, s.tenant_id, s.grant_id, s.uid, g.access, "
      "g.models, "
      "CASE WHEN s.ended_at IS NOT NULL THEN 'session ended' WHEN s.expires_at <= now() THEN "
      "'session expired' "
      "WHEN s.last_seen_at <= now() - make_interval(mins => $2::int) THEN 'session idle' "
      "WHEN a.disabled THEN 'staff account disabled' WHEN g.revoked_at IS NOT NULL THEN 'grant "
      "revoked' "
      "WHEN g.expires_at <= now() THEN 'grant expired' WHEN t.state <> 'active' THEN 'tenant not "
      "active' "
      "ELSE '' END AS refusal "
      "FROM staff_sessions s JOIN staff_accounts a ON a.id = s.staff_id JOIN support_grants g ON "
      "g.id = s.grant_id "
      "JOIN tenants t ON t.id = s.tenant_id WHERE s.token_hash = $1",
      core::Sha256Hex(token), kSupportSessionIdleMinutes, kSupportSessionSeenGranularitySeconds);
  if (!rows) return core::Unexpected(rows.error());
  if (rows->empty()) return std::optional<SupportSessionCheck>();
  SupportSessionCheck check;
  check.refusal = rows->Text(0, "refusal");
  check.staff_id = std::stoll(rows->Text(0, "staff_id"));
  check.staff_login = rows->Text(0, "login");
  check.tenant = rows->Text(0, "tenant");
  check.tenant_id = std::stoll(rows->Text(0, "tenant_id"));
  check.grant_id = std::stoll(rows->Text(0, "grant_id"));
  check.uid = std::stoll(rows->Text(0, "uid"));
  check.read_write = rows->Text(0, "access") == "write";
  const auto models = nlohmann::json::parse(rows->Text(0, "models"), nullptr, false);
  if (models.is_array()) {
    for (const auto& m : models)
      if (m.is_string()) check.models.push_back(m.get<std::string>());
  }
  return std::optional<SupportSessionCheck>(std::move(check));
}

core::Result<bool> SupportSessions::End(std::string_view token) {
  if (!LooksLikeSupportToken(token)) return false;
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto ended = (*catalog)->Execute(
      "UPDATE staff_sessions SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL",
      core::Sha256Hex(token));
  if (!ended) return core::Unexpected(ended.error());
  return ended->affected_rows() == 1;
}

}  // namespace citadel::platform
