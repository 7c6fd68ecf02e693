#include "platform/backup_catalog.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;

// This machine's name, as backups record who runs them.
std::string BackupRunnerHost() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::optional<std::string> Optional(const db::QueryResult& rows, int row, std::string_view column) {
  auto value = rows.Get(row, column);
  if (!value) return std::nullopt;
  return std::string(*value);
}

SiteRow SiteFrom(const db::QueryResult& rows, int row) {
  return SiteRow{rows.Text(row, "name"),     rows.Text(row, "kind"),     rows.Text(row, "region"),
                 rows.Text(row, "location"), rows.Text(row, "host_key"), rows.Text(row, "private_key_path"),
                 rows.Text(row, "added_at")};
}

std::vector<BackupRow> BackupsFrom(const db::QueryResult& rows) {
  std::vector<BackupRow> backups;
  for (int row = 0; row < rows.rows(); ++row) {
    BackupRow b;
    b.id = rows.Text(row, "id");
    b.tenant_id = std::stoll(rows.Text(row, "tenant_id", "0"));
    b.tenant_db = rows.Text(row, "tenant_db");
    b.kind = rows.Text(row, "kind");
    b.state = rows.Text(row, "state");
    b.started_at = rows.Text(row, "started_at");
    b.finished_at = Optional(rows, row, "finished_at");
    if (auto size = rows.Get(row, "size")) b.size = std::stoull(std::string(*size));
    b.manifest = rows.Text(row, "manifest");
    b.verified_at = Optional(rows, row, "verified_at");
    b.verify_error = rows.Text(row, "verify_error");
    b.error = rows.Text(row, "error");
    auto copies = nlohmann::json::parse(rows.Text(row, "copies", "[]"), nullptr, false);
    if (copies.is_array()) {
      for (const auto& c : copies) {
        CopyRow copy;
        copy.backup_id = b.id;
        copy.site = c.value("site", "");
        copy.path = c.value("path", "");
        copy.size = c.value("size", std::uint64_t{0});
        copy.sha256 = c.value("sha256", "");
        copy.stored_at = c.value("stored_at", "");
        if (c.contains("verified_at") && c["verified_at"].is_string()) copy.verified_at = c["verified_at"];
        b.copies.push_back(std::move(copy));
      }
    }
    backups.push_back(std::move(b));
  }
  return backups;
}

// Times as RFC 3339 UTC text, the catalog's convention.
#define CITADEL_BACKUP_COLUMNS                                                                          \
  "b.id, b.tenant_id, b.tenant_db, b.kind, b.state, "                                                  \
  "to_char(b.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS started_at, "          \
  "to_char(b.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS finished_at, "        \
  "b.size, b.manifest::text AS manifest, "                                                             \
  "to_char(b.verified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS verified_at, "        \
  "coalesce(b.verify_error, '') AS verify_error, coalesce(b.error, '') AS error, "                     \
  "coalesce((SELECT json_agg(json_build_object('site', c.site, 'path', c.path, 'size', c.size, "       \
  "'sha256', c.sha256, 'stored_at', to_char(c.stored_at AT TIME ZONE 'UTC', "                          \
  "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'verified_at', to_char(c.verified_at AT TIME ZONE 'UTC', "         \
  "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) ORDER BY c.site) FROM backup_copies c WHERE c.backup_id = b.id), " \
  "'[]')::text AS copies "

}  // namespace

core::Result<void> BackupCatalog::AddSite(const SiteRow& site) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto inserted = (*catalog)->Execute(
      "INSERT INTO backup_sites (name, kind, region, location, host_key, private_key_path) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING",
      site.name, site.kind, site.region, site.location, site.host_key, site.private_key_path);
  if (!inserted) return core::Unexpected(inserted.error());
  if (inserted->affected_rows() == 0) return Fail(ErrorCode::kAlreadyExists, "a site named " + site.name + " exists");
  return {};
}

core::Result<std::vector<SiteRow>> BackupCatalog::ListSites() {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT name, kind, region, location, host_key, private_key_path, "
      "to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS added_at "
      "FROM backup_sites ORDER BY name");
  if (!rows) return core::Unexpected(rows.error());
  std::vector<SiteRow> sites;
  for (int row = 0; row < rows->rows(); ++row) sites.push_back(SiteFrom(*rows, row));
  return sites;
}

core::Result<SiteRow> BackupCatalog::GetSite(const std::string& name) {
  auto sites = ListSites();
  if (!sites) return core::Unexpected(sites.error());
  for (auto& site : *sites) {
    if (site.name == name) return site;
  }
  return Fail(ErrorCode::kNotFound, "no backup site named " + name);
}

core::Result<void> BackupCatalog::RemoveSite(const std::string& name, bool forget_copies) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto copies = (*catalog)->Execute(
      "SELECT count(*) AS n FROM backup_copies c JOIN backups b ON b.id = c.backup_id "
      "WHERE c.site = $1 AND b.state = 'complete'",
      name);
  if (!copies) return core::Unexpected(copies.error());
  long held = std::stol(copies->Text(0, "n", "0"));
  if (held > 0 && !forget_copies) {
    return Fail(ErrorCode::kInvalidArgument,
                "site " + name + " holds " + std::to_string(held) +
                    " backup copies; removing it loses them (add --forget-copies to remove it anyway)");
  }
  if (auto begun = (*catalog)->Execute("BEGIN"); !begun) return core::Unexpected(begun.error());
  auto forgot = (*catalog)->Execute("DELETE FROM backup_copies WHERE site = $1", name);
  if (!forgot) {
    (void)(*catalog)->Execute("ROLLBACK");
    return core::Unexpected(forgot.error());
  }
  auto removed = (*catalog)->Execute("DELETE FROM backup_sites WHERE name = $1", name);
  if (!removed) {
    (void)(*catalog)->Execute("ROLLBACK");
    return core::Unexpected(removed.error());
  }
  if (removed->affected_rows() == 0) {
    (void)(*catalog)->Execute("ROLLBACK");
    return Fail(ErrorCode::kNotFound, "no backup site named " + name);
  }
  if (auto committed = (*catalog)->Execute("COMMIT"); !committed) return core::Unexpected(committed.error());
  return {};
}

core::Result<SitePolicy> BackupCatalog::Policy() {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute("SELECT min_sites, min_regions, lowered_reason FROM backup_policy");
  if (!rows) return core::Unexpected(rows.error());
  if (rows->empty()) return SitePolicy{};
  return SitePolicy{std::stoi(rows->Text(0, "min_sites", "3")), std::stoi(rows->Text(0, "min_regions", "2")),
                    rows->Text(0, "lowered_reason")};
}

core::Result<void> BackupCatalog::SetPolicy(const SitePolicy& policy) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto updated = (*catalog)->Execute(
      "UPDATE backup_policy SET min_sites = $1, min_regions = $2, lowered_reason = $3, updated_at = now()",
      policy.min_sites, policy.min_regions, policy.lowered_reason);
  if (!updated) return core::Unexpected(updated.error());
  return {};
}

core::Result<void> BackupCatalog::BeginBackup(const std::string& id, std::int64_t tenant_id,
                                              const std::string& tenant_db, const std::string& kind) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto inserted = (*catalog)->Execute(
      "INSERT INTO backups (id, tenant_id, tenant_db, kind, state, host) VALUES ($1, $2, $3, $4, 'running', $5)", id,
      tenant_id, tenant_db, kind, BackupRunnerHost() + ":" + std::to_string(::getpid()));
  if (!inserted) return core::Unexpected(inserted.error());
  return {};
}

core::Result<void> BackupCatalog::CompleteBackup(const std::string& id, std::uint64_t size, const std::string& sha256,
                                                 const std::string& manifest_json,
                                                 const std::vector<CopyRow>& copies) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  // The backup and its copies appear together or not at all.
  if (auto begun = (*catalog)->Execute("BEGIN"); !begun) return core::Unexpected(begun.error());
  auto step = (*catalog)->Execute(
      "UPDATE backups SET state = 'complete', finished_at = now(), size = $2, sha256 = $3, manifest = $4::jsonb "
      "WHERE id = $1 AND state = 'running'",
      id, static_cast<std::int64_t>(size), sha256, manifest_json);
  for (const auto& copy : copies) {
    if (!step) break;
    step = (*catalog)->Execute(
        "INSERT INTO backup_copies (backup_id, site, path, size, sha256, verified_at) VALUES ($1, $2, $3, $4, $5, "
        "now())",
        id, copy.site, copy.path, static_cast<std::int64_t>(copy.size), copy.sha256);
  }
  if (!step) {
    (void)(*catalog)->Execute("ROLLBACK");
    return core::Unexpected(step.error());
  }
  if (auto committed = (*catalog)->Execute("COMMIT"); !committed) return core::Unexpected(committed.error());
  return {};
}

core::Result<void> BackupCatalog::FailBackup(const std::string& id, const std::string& error) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto updated = (*catalog)->Execute(
      "UPDATE backups SET state = 'failed', finished_at = now(), error = $2 WHERE id = $1 AND state = 'running'", id,
      error);
  if (!updated) return core::Unexpected(updated.error());
  return {};
}

core::Result<void> BackupCatalog::RecordVerification(const std::string& id, const std::string& error) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto updated = (*catalog)->Execute(
      "UPDATE backups SET verified_at = CASE WHEN $2 = '' THEN now() ELSE verified_at END, "
      "verify_error = nullif($2, '') WHERE id = $1",
      id, error);
  if (!updated) return core::Unexpected(updated.error());
  return {};
}

core::Result<void> BackupCatalog::MarkPruned(const std::string& id) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto updated = (*catalog)->Execute("UPDATE backups SET state = 'pruned' WHERE id = $1", id);
  if (!updated) return core::Unexpected(updated.error());
  return {};
}

core::Result<void> BackupCatalog::ForgetCopy(const std::string& id, const std::string& site) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto deleted = (*catalog)->Execute("DELETE FROM backup_copies WHERE backup_id = $1 AND site = $2", id, site);
  if (!deleted) return core::Unexpected(deleted.error());
  return {};
}

core::Result<void> BackupCatalog::AddCopy(const CopyRow& copy) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto inserted = (*catalog)->Execute(
      "INSERT INTO backup_copies (backup_id, site, path, size, sha256, verified_at) "
      "SELECT b.id, $2, $3, $4, $5, now() FROM backups b WHERE b.id = $1 AND b.state = 'complete' "
      "ON CONFLICT (backup_id, site) DO NOTHING",
      copy.backup_id, copy.site, copy.path, static_cast<std::int64_t>(copy.size), copy.sha256);
  if (!inserted) return core::Unexpected(inserted.error());
  if (inserted->affected_rows() == 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "backup " + copy.backup_id + " is not complete, or already has a copy on " + copy.site);
  }
  return {};
}

core::Result<std::vector<BackupRow>> BackupCatalog::ListBackups(std::int64_t tenant_id) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT " CITADEL_BACKUP_COLUMNS "FROM backups b WHERE b.tenant_id = $1 ORDER BY b.started_at DESC, b.id",
      tenant_id);
  if (!rows) return core::Unexpected(rows.error());
  return BackupsFrom(*rows);
}

core::Result<BackupRow> BackupCatalog::GetBackup(const std::string& id) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute("SELECT " CITADEL_BACKUP_COLUMNS "FROM backups b WHERE b.id = $1", id);
  if (!rows) return core::Unexpected(rows.error());
  auto backups = BackupsFrom(*rows);
  if (backups.empty()) return Fail(ErrorCode::kNotFound, "no backup " + id);
  return std::move(backups.front());
}

core::Result<int> BackupCatalog::FailAbandoned(const std::string& reason) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto updated = (*catalog)->Execute(
      "UPDATE backups SET state = 'failed', finished_at = now(), error = $1 WHERE state = 'running'", reason);
  if (!updated) return core::Unexpected(updated.error());
  return static_cast<int>(updated->affected_rows());
}

core::Result<int> BackupCatalog::FailAbandonedHere(const std::string& reason) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  const std::string prefix = BackupRunnerHost() + ":";
  auto running = (*catalog)->Execute(
      "SELECT id, host FROM backups WHERE state = 'running' AND starts_with(host, $1)", prefix);
  if (!running) return core::Unexpected(running.error());
  int failed = 0;
  for (int row = 0; row < running->rows(); ++row) {
    const std::string host = running->Text(row, "host");
    long pid = 0;
    try {
      pid = std::stol(host.substr(prefix.size()));
    } catch (const std::exception&) {
      pid = 0;
    }
    // Alive (or not ours to signal, so alive): left alone. Our own pid may
    // be at work on it (another thread); a former process that had our pid
    // is failed by the next start, which has another.
    bool alive = pid > 0 && (pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
    if (alive) continue;
    auto updated = (*catalog)->Execute(
        "UPDATE backups SET state = 'failed', finished_at = now(), error = $2 WHERE id = $1 AND state = 'running'",
        running->Text(row, "id"), reason);
    if (!updated) return core::Unexpected(updated.error());
    failed += static_cast<int>(updated->affected_rows());
  }
  return failed;
}

core::Result<std::vector<TenantBackupHealth>> BackupCatalog::Health() {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT t.id, t.name, t.db_name, t.plan, "
      "to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, "
      "(SELECT to_char(max(b.started_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM backups b "
      "WHERE b.tenant_id = t.id AND b.state = 'complete') AS last_backup_at, "
      "to_char(v.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS verified_backup_at, "
      "coalesce(v.id, '') AS verified_id, "
      "(SELECT count(*) FROM backup_copies c WHERE c.backup_id = v.id) AS verified_sites "
      "FROM tenants t LEFT JOIN LATERAL (SELECT b.id, b.started_at FROM backups b WHERE b.tenant_id = t.id "
      "AND b.state = 'complete' AND b.verified_at IS NOT NULL ORDER BY b.started_at DESC LIMIT 1) v ON true "
      "WHERE t.state = 'active' ORDER BY t.name");
  if (!rows) return core::Unexpected(rows.error());
  std::vector<TenantBackupHealth> health;
  for (int row = 0; row < rows->rows(); ++row) {
    TenantBackupHealth h;
    h.tenant_id = std::stoll(rows->Text(row, "id", "0"));
    h.tenant = rows->Text(row, "name");
    h.tenant_db = rows->Text(row, "db_name");
    h.plan = rows->Text(row, "plan");
    h.created_at = rows->Text(row, "created_at");
    h.last_backup_at = Optional(*rows, row, "last_backup_at");
    h.verified_backup_at = Optional(*rows, row, "verified_backup_at");
    h.verified_backup_id = rows->Text(row, "verified_id");
    h.verified_sites = std::stoi(rows->Text(row, "verified_sites", "0"));
    health.push_back(std::move(h));
  }
  return health;
}

}  // namespace citadel::platform

#undef CITADEL_BACKUP_COLUMNS
