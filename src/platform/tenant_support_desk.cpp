#include "platform/tenant_support_desk.hpp"

#include <nlohmann/json.hpp>

#include "orm/environment.hpp"
#include "orm/errors.hpp"

namespace citadel::platform {
namespace {

// The catalog's answer as the client's error: what the caller got wrong is
// said, anything else is the server's (logged by the entry point, not shown).
[[noreturn]] void ThrowSupportDeskError(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::kInvalidArgument:
      throw orm::ValidationError(error.message);
    case core::ErrorCode::kNotFound:
      throw orm::UserError(error.message);
    default:
      throw orm::DatabaseError(error);
  }
}

}  // namespace

orm::Value SupportGrantValue(const SupportGrant& grant) {
  return {
      {"id", grant.id},
      {"access", grant.read_write ? "write" : "read"},
      {"models", grant.models},
      {"staff_login",
       grant.staff_login.empty() ? orm::Value(false) : orm::Value(grant.staff_login)},
      {"opened_by", grant.opened_by},
      {"ticket", grant.ticket.empty() ? orm::Value(false) : orm::Value(grant.ticket)},
      {"created_at", grant.created_at},
      {"expires_at", grant.expires_at},
      {"revoked_at", grant.revoked_at.empty() ? orm::Value(false) : orm::Value(grant.revoked_at)},
      {"revoked_by", grant.revoked_by.empty() ? orm::Value(false) : orm::Value(grant.revoked_by)},
      {"active", grant.active}};
}

std::int64_t TenantSupportDesk::TenantId() {
  auto id = SupportAuditLog(tenants_).TenantId(tenant_);
  if (!id) ThrowSupportDeskError(id.error());
  if (!*id) throw orm::UserError("This database is not a live tenant.");
  return **id;
}

orm::Value TenantSupportDesk::OpenGrant(std::int64_t uid, const orm::SupportGrantRequest& request) {
  const std::string by = "admin#" + std::to_string(uid);
  auto grant = SupportGrants(tenants_).Open(
      tenant_, {request.read_write, request.models, request.hours, request.staff_login, by, ""});
  if (!grant) ThrowSupportDeskError(grant.error());
  orm::Value value = SupportGrantValue(*grant);
  auto logged = SupportAuditLog(tenants_).Append(TenantId(), "", "grant_opened", value.dump());
  if (!logged) ThrowSupportDeskError(logged.error());
  return value;
}

orm::Value TenantSupportDesk::ListGrants(bool include_ended) {
  auto grants = SupportGrants(tenants_).List(tenant_, include_ended);
  if (!grants) ThrowSupportDeskError(grants.error());
  orm::Value rows = orm::Value::array();
  for (const SupportGrant& grant : *grants) rows.push_back(SupportGrantValue(grant));
  return rows;
}

bool TenantSupportDesk::RevokeGrant(std::int64_t grant_id, std::int64_t uid) {
  const std::string by = "admin#" + std::to_string(uid);
  auto revoked = SupportGrants(tenants_).Revoke(tenant_, grant_id, by);
  if (!revoked) ThrowSupportDeskError(revoked.error());
  if (*revoked) {
    auto logged = SupportAuditLog(tenants_).Append(
        TenantId(), "", "grant_revoked", orm::Value{{"grant_id", grant_id}, {"by", by}}.dump());
    if (!logged) ThrowSupportDeskError(logged.error());
  }
  return *revoked;
}

orm::Value TenantSupportDesk::AuditPage(std::int64_t after_seq, int limit) {
  auto entries = SupportAuditLog(tenants_).Page(TenantId(), after_seq, limit);
  if (!entries) ThrowSupportDeskError(entries.error());
  orm::Value rows = orm::Value::array();
  for (const SupportAuditEntry& e : *entries) {
    rows.push_back({{"seq", e.seq},
                    {"at", e.at},
                    {"staff", e.staff},
                    {"action", e.action},
                    {"details", e.details},
                    {"prev_hash", e.prev_hash},
                    {"hash", e.hash}});
  }
  return rows;
}

orm::Value TenantSupportDesk::VerifyAudit() {
  auto verdict = SupportAuditLog(tenants_).Verify(TenantId());
  if (!verdict) ThrowSupportDeskError(verdict.error());
  return {
      {"ok", verdict->ok},
      {"entries", verdict->entries},
      {"first_broken_seq", verdict->ok ? orm::Value(false) : orm::Value(verdict->first_broken_seq)},
      {"head_hash", verdict->head_hash}};
}

}  // namespace citadel::platform
