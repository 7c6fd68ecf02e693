// ResetTokenLedger: the reset tokens already used, in the catalog database,
// so that a token works exactly once even when two servers take it at the
// same moment, and even after a tenant backup restored an older password hash
// (which would make the token's fingerprint match again; reset_token.hpp).
//
// Why the catalog and not the tenant's database: the claim must outlive
// whatever happens to the tenant's data (a restore, a copy), and every server
// sees the catalog; the tenant's own SQL never reaches it. The price is that
// the claim and the tenant's password change are two databases: the caller
// claims inside its tenant transaction, just before committing, and releases
// the claim when that transaction fails (a password the policy refused must
// not burn the link). A crash between claim and commit burns the link: the
// user asks for another.
//
//   if (!*ledger.Claim(ResetTokenSigner::TokenId(token), "acme", uid, expires)) // used already
//
// The table is the catalog's (migration 6, platform/catalog_schema.cpp).
// Rows expire with their token (kept a day past it, then purged by Claim now
// and then). Blocks on PostgreSQL: call on a worker. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::auth {

class ResetTokenLedger {
 public:
  // `tenants` must outlive the ledger.
  explicit ResetTokenLedger(platform::TenantService& tenants) : tenants_(tenants) {}

  // True if this call took the token; false if it was taken before.
  core::Result<bool> Claim(std::string_view token_id, std::string_view tenant, std::int64_t uid,
                           std::int64_t expires_unix);
  // Gives a claim back (its password change did not commit).
  core::Result<void> Release(std::string_view token_id);

 private:
  platform::TenantService& tenants_;
  std::atomic<std::uint64_t> claims_{0};
};

}  // namespace citadel::auth
