#include "auth/reset_token_ledger.hpp"

namespace citadel::auth {
namespace {
constexpr std::uint64_t kLedgerPurgeEvery = 64;
}

core::Result<bool> ResetTokenLedger::Claim(std::string_view token_id, std::string_view tenant, std::int64_t uid,
                                           std::int64_t expires_unix) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  if (claims_.fetch_add(1) % kLedgerPurgeEvery == kLedgerPurgeEvery - 1) {
    (void)(*catalog)->Execute("DELETE FROM used_reset_tokens WHERE expires_at < now() - interval '1 day'");
  }
  auto claimed = (*catalog)->Execute(
      "INSERT INTO used_reset_tokens (token_id, tenant, uid, expires_at) "
      "VALUES ($1, $2, $3, to_timestamp($4::bigint)) ON CONFLICT (token_id) DO NOTHING RETURNING token_id",
      token_id, tenant, uid, expires_unix);
  if (!claimed) return core::Unexpected(claimed.error());
  return !claimed->empty();
}

core::Result<void> ResetTokenLedger::Release(std::string_view token_id) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto released = (*catalog)->Execute("DELETE FROM used_reset_tokens WHERE token_id = $1", token_id);
  if (!released) return core::Unexpected(released.error());
  return {};
}

}  // namespace citadel::auth
