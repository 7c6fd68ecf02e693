// SupportDesk: what the tenant's admin does about support access through
// the API — open, list and revoke support grants, read and verify the
// support audit log — without the ORM knowing the catalog (layering: grants
// and the log are the platform's; platform/tenant_support_desk.hpp is the
// real one). modules/base's citadel.support.grant and citadel.support.audit
// call it after their access rights (security/access.csv, admins only) have
// been checked by AccessGuard; rpc/caller_environment gives every client
// call of a tenant its desk, bound to that tenant.
//
// Methods throw UserError for what the caller got wrong (its message is
// safe to show) and DatabaseError when the catalog fails. Values are as the
// API returns them. Implementations are bound to one tenant and
// thread-compatible (one call, one thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orm/value.hpp"

namespace citadel::orm {

struct SupportGrantRequest {
  bool read_write = false;
  std::vector<std::string> models;
  int hours = 24;
  std::string staff_login;  // empty: any staff member
};

class SupportDesk {
 public:
  virtual ~SupportDesk() = default;

  // Opens a grant for this tenant on behalf of user `uid`; the grant as a dict.
  virtual Value OpenGrant(std::int64_t uid, const SupportGrantRequest& request) = 0;
  // The tenant's grants, newest first, as dicts.
  virtual Value ListGrants(bool include_ended) = 0;
  // Revokes one of this tenant's grants; false when there was none to revoke.
  virtual bool RevokeGrant(std::int64_t grant_id, std::int64_t uid) = 0;
  // Audit entries after `after_seq`, oldest first, at most `limit`.
  virtual Value AuditPage(std::int64_t after_seq, int limit) = 0;
  // {"ok", "entries", "first_broken_seq", "head_hash"}.
  virtual Value VerifyAudit() = 0;
};

}  // namespace citadel::orm
