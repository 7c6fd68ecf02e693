// SupportAuditLog: what support staff did in a tenant, as one append-only,
// hash-chained log per tenant in the catalog (migration 8), outside the
// tenant's own database, so nothing done inside the tenant (nor a restore of
// its backup) can rewrite it.
//
// Each entry is (tenant, seq, at, staff, action, details, prev_hash, hash):
// seq counts 1, 2, 3... per tenant; prev_hash is the previous entry's hash
// (64 zeros for seq 1); hash is the SHA-256 of EntryEncoding (a JSON array
// of the other fields, in that order, compact). Verify walks the chain and
// names the first entry that does not fit (a changed field, a changed or
// missing predecessor). The table refuses UPDATE, DELETE and TRUNCATE with a
// trigger; someone who bypasses it (a superuser) still cannot change an
// entry without Verify seeing it, unless they rewrite every later hash too —
// which is why Verify returns the head hash, for the customer to keep.
//
// Append serialises per tenant with a transaction-scoped advisory lock, and
// commits on its own connection: an entry is never rolled back with the
// staff call it describes. `details` is bounded (kMaxAuditDetailsBytes; a
// longer text is cut and says so).
//
// Blocks on PostgreSQL: call it on a worker. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

inline constexpr std::size_t kMaxAuditDetailsBytes = 4096;
inline constexpr int kMaxAuditPage = 500;

struct SupportAuditEntry {
  std::int64_t tenant_id = 0;
  std::int64_t seq = 0;
  std::string at;  // RFC 3339 UTC with microseconds
  std::string staff;
  std::string action;   // "sign_in", "sign_in_refused", "call", "call_refused", "sign_out", ...
  std::string details;  // a JSON object's text
  std::string prev_hash;
  std::string hash;
};

struct SupportAuditVerdict {
  bool ok = true;
  std::int64_t entries = 0;           // entries checked
  std::int64_t first_broken_seq = 0;  // 0 when ok
  std::string head_hash;              // the last good entry's hash
};

// The text an entry's hash is the SHA-256 of.
std::string SupportAuditEncoding(const SupportAuditEntry& entry);

class SupportAuditLog {
 public:
  explicit SupportAuditLog(TenantService& tenants) : tenants_(tenants) {}

  // Appends to `tenant_id`'s chain and returns the entry as stored.
  core::Result<SupportAuditEntry> Append(std::int64_t tenant_id, std::string_view staff,
                                         std::string_view action, std::string_view details_json);
  // Entries with seq > after_seq, oldest first, at most `limit` (1..kMaxAuditPage).
  core::Result<std::vector<SupportAuditEntry>> Page(std::int64_t tenant_id, std::int64_t after_seq,
                                                    int limit);
  core::Result<SupportAuditVerdict> Verify(std::int64_t tenant_id);
  // The catalog id of a tenant that is not dropped (its log's key).
  core::Result<std::optional<std::int64_t>> TenantId(std::string_view tenant);

 private:
  TenantService& tenants_;
};

}  // namespace citadel::platform
