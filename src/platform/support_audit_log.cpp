#include "platform/support_audit_log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/sha256.hpp"

namespace citadel::platform {
namespace {

// "saud" in ASCII: the advisory lock class of a tenant's audit chain.
constexpr std::int32_t kAuditLockClass = 0x73617564;
const std::string kGenesisHash(64, '0');

std::string NowWithMicroseconds() {
  const auto now = std::chrono::system_clock::now();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros % 1'000'000));
  return text;
}

// Cut to `limit` bytes without splitting a UTF-8 sequence.
std::string Bounded(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

std::string BoundedDetails(std::string_view details) {
  if (details.size() <= kMaxAuditDetailsBytes) return std::string(details);
  return nlohmann::json{{"truncated", Bounded(details, kMaxAuditDetailsBytes - 64)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SupportAuditEntry AuditEntryFromRow(const db::QueryResult& rows, int row) {
  return SupportAuditEntry{std::stoll(rows.Text(row, "tenant_id")),
                           std::stoll(rows.Text(row, "seq")),
                           rows.Text(row, "at"),
                           rows.Text(row, "staff"),
                           rows.Text(row, "action"),
                           rows.Text(row, "details"),
                           rows.Text(row, "prev_hash"),
                           rows.Text(row, "hash")};
}

}  // namespace

std::string SupportAuditEncoding(const SupportAuditEntry& entry) {
  return nlohmann::json::array({entry.seq, entry.at, entry.tenant_id, entry.staff, entry.action,
                                entry.details, entry.prev_hash})
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

core::Result<SupportAuditEntry> SupportAuditLog::Append(std::int64_t tenant_id,
                                                        std::string_view staff,
                                                        std::string_view action,
                                                        std::string_view details_json) {
  SupportAuditEntry entry;
  entry.tenant_id = tenant_id;
  entry.staff = Bounded(staff, 64);
  entry.action = Bounded(action, 64);
  // Stored as valid UTF-8 JSON whatever came in.
  const auto parsed = nlohmann::json::parse(details_json, nullptr, false);
  entry.details =
      BoundedDetails(parsed.is_discarded()
                         ? nlohmann::json{{"text", std::string(details_json)}}.dump(
                               -1, ' ', false, nlohmann::json::error_handler_t::replace)
                         : parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  db::Connection& c = **catalog;
  auto fail = [&c](core::Error error) -> core::Result<SupportAuditEntry> {
    (void)c.Execute("ROLLBACK");
    return core::Unexpected(std::move(error));
  };
  if (auto r = c.Execute("BEGIN"); !r) return core::Unexpected(r.error());
  if (auto r = c.Execute("SELECT pg_advisory_xact_lock($1::int, $2::int)", kAuditLockClass,
                         static_cast<std::int32_t>(tenant_id));
      !r) {
    return fail(r.error());
  }
  auto last = c.Execute(
      "SELECT seq, hash FROM support_audit WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1",
      tenant_id);
  if (!last) return fail(last.error());
  entry.seq = last->empty() ? 1 : std::stoll(last->Text(0, "seq")) + 1;
  entry.prev_hash = last->empty() ? kGenesisHash : last->Text(0, "hash");
  entry.at = NowWithMicroseconds();
  entry.hash = core::Sha256Hex(SupportAuditEncoding(entry));
  auto inserted = c.Execute(
      "INSERT INTO support_audit (tenant_id, seq, at, staff, action, details, prev_hash, hash) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      entry.tenant_id, entry.seq, entry.at, entry.staff, entry.action, entry.details,
      entry.prev_hash, entry.hash);
  if (!inserted) return fail(inserted.error());
  if (auto r = c.Execute("COMMIT"); !r) return fail(r.error());
  return entry;
}

core::Result<std::vector<SupportAuditEntry>> SupportAuditLog::Page(std::int64_t tenant_id,
                                                                   std::int64_t after_seq,
                                                                   int limit) {
  limit = std::clamp(limit, 1, kMaxAuditPage);
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT tenant_id, seq, at, staff, action, details, prev_hash, hash FROM support_audit "
      "WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
      tenant_id, after_seq, limit);
  if (!rows) return core::Unexpected(rows.error());
  std::vector<SupportAuditEntry> entries;
  for (int row = 0; row < rows->rows(); ++row) entries.push_back(AuditEntryFromRow(*rows, row));
  return entries;
}

core::Result<SupportAuditVerdict> SupportAuditLog::Verify(std::int64_t tenant_id) {
  SupportAuditVerdict verdict;
  verdict.head_hash = kGenesisHash;
  std::int64_t expected_seq = 1;
  for (;;) {
    auto page = Page(tenant_id, expected_seq - 1, kMaxAuditPage);
    if (!page) return core::Unexpected(page.error());
    for (const SupportAuditEntry& entry : *page) {
      // A missing entry shows as a gap; a changed one as a hash that does
      // not fit its fields or its successor's prev_hash.
      if (entry.seq != expected_seq || entry.prev_hash != verdict.head_hash ||
          core::Sha256Hex(SupportAuditEncoding(entry)) != entry.hash) {
        verdict.ok = false;
        verdict.first_broken_seq = expected_seq;
        return verdict;
      }
      verdict.head_hash = entry.hash;
      ++verdict.entries;
      ++expected_seq;
    }
    if (page->size() < static_cast<std::size_t>(kMaxAuditPage)) return verdict;
  }
}

core::Result<std::optional<std::int64_t>> SupportAuditLog::TenantId(std::string_view tenant) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows =
      (*catalog)->Execute("SELECT id FROM tenants WHERE name = $1 AND state <> 'dropped'", tenant);
  if (!rows) return core::Unexpected(rows.error());
  if (rows->empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(std::stoll(rows->Text(0, "id")));
}

}  // namespace citadel::platform
