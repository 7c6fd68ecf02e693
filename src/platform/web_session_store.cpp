#include "platform/web_session_store.hpp"

#include "core/random.hpp"
#include "core/sha256.hpp"

namespace citadel::platform {
namespace {

// Sweep expired rows once every this many sign-ins: cheap (an index range),
// and sign-ins are what make rows.
constexpr std::uint64_t kPurgeEvery = 256;
// A session id is 64 hex digits; anything else is not looked up at all.
constexpr std::size_t kSessionIdChars = 64;

bool IsSessionIdShape(std::string_view id) {
  if (id.size() != kSessionIdChars) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string CredentialFingerprint(std::string_view stored_hash) { return core::Sha256Hex(stored_hash); }

WebSessionStore::WebSessionStore(TenantService& tenants, WebSessionOptions options)
    : tenants_(tenants), options_(options) {}

core::Result<std::string> WebSessionStore::Create(std::string_view tenant, std::int64_t uid,
                                                  std::string_view credential_fingerprint) {
  if (creations_.fetch_add(1) % kPurgeEvery == kPurgeEvery - 1) (void)PurgeExpired();
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  const std::string id = core::RandomHex(32);
  auto inserted = (*catalog)->Execute(
      "INSERT INTO web_sessions (id_hash, tenant_id, uid, credential_fingerprint, expires_at) "
      "SELECT $1, id, $3, $4, now() + make_interval(secs => least($5::bigint, $6::bigint)) "
      "FROM tenants WHERE name = $2 AND state = 'active' RETURNING tenant_id",
      core::Sha256Hex(id), tenant, uid, credential_fingerprint, options_.max_inactivity.count(),
      options_.max_age.count());
  if (!inserted) return core::Unexpected(inserted.error());
  if (inserted->empty()) return core::Fail(core::ErrorCode::kNotFound, "no such tenant");
  // The user's least recently used sessions beyond the cap end now.
  auto capped = (*catalog)->Execute(
      "DELETE FROM web_sessions WHERE id_hash IN ("
      "  SELECT id_hash FROM web_sessions WHERE tenant_id = $1 AND uid = $2"
      "  ORDER BY last_seen_at DESC, created_at DESC OFFSET $3)",
      inserted->Text(0, "tenant_id"), uid, options_.max_sessions_per_user);
  if (!capped) return core::Unexpected(capped.error());
  return id;
}

core::Result<std::optional<WebSession>> WebSessionStore::Find(std::string_view session_id) {
  if (!IsSessionIdShape(session_id)) return std::optional<WebSession>();
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  const std::string id_hash = core::Sha256Hex(session_id);
  auto found = (*catalog)->Execute(
      "SELECT t.name, s.uid, s.credential_fingerprint, "
      "       s.last_seen_at < now() - make_interval(secs => $2::bigint) AS stale "
      "FROM web_sessions s JOIN tenants t ON t.id = s.tenant_id AND t.state = 'active' "
      "WHERE s.id_hash = $1 AND s.expires_at > now()",
      id_hash, options_.touch_interval.count());
  if (!found) return core::Unexpected(found.error());
  if (found->empty()) return std::optional<WebSession>();
  WebSession session;
  session.tenant = found->Text(0, "name");
  session.uid = std::stoll(found->Text(0, "uid", "0"));
  session.credential_fingerprint = found->Text(0, "credential_fingerprint");
  if (found->Text(0, "stale") == "t") {
    auto touched = (*catalog)->Execute(
        "UPDATE web_sessions SET last_seen_at = now(), "
        "  expires_at = least(now() + make_interval(secs => $2::bigint), "
        "                     created_at + make_interval(secs => $3::bigint)) WHERE id_hash = $1",
        id_hash, options_.max_inactivity.count(), options_.max_age.count());
    if (!touched) return core::Unexpected(touched.error());
  }
  return std::optional<WebSession>(std::move(session));
}

core::Result<void> WebSessionStore::Destroy(std::string_view session_id) {
  if (!IsSessionIdShape(session_id)) return {};
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto deleted = (*catalog)->Execute("DELETE FROM web_sessions WHERE id_hash = $1",
                                     core::Sha256Hex(session_id));
  if (!deleted) return core::Unexpected(deleted.error());
  return {};
}

core::Result<std::int64_t> WebSessionStore::DestroyAllOf(std::string_view tenant, std::int64_t uid) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto deleted = (*catalog)->Execute(
      "DELETE FROM web_sessions WHERE uid = $2 AND tenant_id IN "
      "(SELECT id FROM tenants WHERE name = $1 AND state = 'active')",
      tenant, uid);
  if (!deleted) return core::Unexpected(deleted.error());
  return static_cast<std::int64_t>(deleted->affected_rows());
}

core::Result<std::int64_t> WebSessionStore::PurgeExpired() {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto deleted = (*catalog)->Execute("DELETE FROM web_sessions WHERE expires_at <= now()");
  if (!deleted) return core::Unexpected(deleted.error());
  return static_cast<std::int64_t>(deleted->affected_rows());
}

}  // namespace citadel::platform
