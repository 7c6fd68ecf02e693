// SupportGrants: the permissions that let support staff into one tenant,
// kept in the catalog (migration 8), so every server sees an opening or a
// revocation at the next call it checks (rpc/support_call.hpp reads the
// grant on every staff call; nothing caches it).
//
// A grant names its tenant, its access (read or read-write), the models it
// covers (1 to kMaxGrantModels names; the ORM refuses any other model,
// orm/support_scope.hpp), optionally the one staff member it is for (none:
// any), who opened it ("admin#<uid>" for the tenant's admin, "staff:<login>"
// with a ticket reference where the operator's [support]
// staff_may_open_grants allows it), and its expiry: 1 hour to 7 days after
// opening (the table's CHECK holds the bound too). Revoking is immediate and
// final; an expired or revoked grant is kept for the record.
//
// Blocks on PostgreSQL (a catalog connection): call it on a worker.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

inline constexpr int kMaxGrantHours = 7 * 24;
inline constexpr std::size_t kMaxGrantModels = 200;

struct NewSupportGrant {
  bool read_write = false;
  std::vector<std::string> models;
  int hours = 24;
  std::string staff_login;  // empty: any staff member
  std::string opened_by;    // "admin#<uid>" or "staff:<login>"
  std::string ticket;       // at most 64 printable ASCII characters
};

struct SupportGrant {
  std::int64_t id = 0;
  bool read_write = false;
  std::vector<std::string> models;
  std::string staff_login;  // empty: any staff member
  std::string opened_by;
  std::string ticket;
  std::string created_at;  // RFC 3339, UTC
  std::string expires_at;
  std::string revoked_at;  // empty unless revoked
  std::string revoked_by;
  bool active = false;  // neither revoked nor expired now
};

// A model name as grants accept it: 1 to 128 of [a-z0-9_.], starting with a letter.
bool IsGrantableModelName(std::string_view name);

class SupportGrants {
 public:
  explicit SupportGrants(TenantService& tenants) : tenants_(tenants) {}

  // kInvalidArgument (the message says which bound), kNotFound for a tenant
  // that is not live or a staff login that does not exist or is disabled.
  core::Result<SupportGrant> Open(std::string_view tenant, const NewSupportGrant& grant);
  // The tenant's grants, newest first, at most `limit` (≤ 500); ended ones
  // too when `include_ended`.
  core::Result<std::vector<SupportGrant>> List(std::string_view tenant, bool include_ended,
                                               int limit = 100);
  // Revokes one of the tenant's grants now; false when it is not the
  // tenant's or was already revoked. Sessions under it end with it.
  core::Result<bool> Revoke(std::string_view tenant, std::int64_t grant_id, std::string_view by);
  // The newest active grant of the tenant that `staff_id` may use.
  core::Result<std::optional<SupportGrant>> ActiveFor(std::string_view tenant,
                                                      std::int64_t staff_id);

 private:
  TenantService& tenants_;
};

}  // namespace citadel::platform
