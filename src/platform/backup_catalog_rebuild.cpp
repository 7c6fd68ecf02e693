#include "platform/backup_catalog_rebuild.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "backup/backup_file.hpp"
#include "core/sha256.hpp"
#include "platform/progress_meter.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;

struct FoundCopy {
  const backup::NamedSite* site = nullptr;
  std::string path;
  std::uint64_t size = 0;
};

struct FoundBackup {
  std::string tenant_db;
  std::vector<FoundCopy> copies;
};

bool IsRebuildName(std::string_view name, std::size_t max) {
  if (name.empty() || name.size() > max) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

// Keeps the manifest; every other part is only checked by the reader.
class ManifestKeeper final : public backup::ArchiveVisitor {
 public:
  core::Result<backup::ByteSink*> BeginPart(const std::string& name) override {
    if (name == kBackupManifestPart) return &manifest_;
    return static_cast<backup::ByteSink*>(nullptr);
  }
  core::Result<void> EndPart(const backup::ArchivePartSummary&) override { return {}; }
  core::Result<void> EndArchive() override { return {}; }
  const std::string& manifest() const { return manifest_.data(); }

 private:
  backup::StringSink manifest_;
};

// The copy's SHA-256, and with `reader_into` set, its bytes fed to it too.
core::Result<std::string> HashCopy(const FoundCopy& copy, backup::ByteSink* reader_into, ProgressMeter& meter) {
  auto reader = copy.site->site->OpenRead(copy.path, 0);
  if (!reader) return core::Unexpected(reader.error());
  core::Sha256Stream digest;
  while (true) {
    auto chunk = (*reader)->Read(kBackupStreamChunk);
    if (!chunk) return core::Unexpected(chunk.error());
    if (chunk->empty()) break;
    digest.Update(*chunk);
    meter.Add(chunk->size());
    if (reader_into != nullptr) {
      if (auto written = reader_into->Write(*chunk); !written) return core::Unexpected(written.error());
    }
  }
  if (reader_into != nullptr) {
    if (auto closed = reader_into->Close(); !closed) return core::Unexpected(closed.error());
  }
  return digest.HexDigest();
}

// The backup and its copies in one transaction, complete at `started_at`.
core::Result<void> RecordBackup(TenantService& tenants, const BackupRow& row, const std::vector<CopyRow>& copies,
                                bool backup_exists) {
  auto catalog = tenants.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  if (auto begun = (*catalog)->Execute("BEGIN"); !begun) return core::Unexpected(begun.error());
  core::Result<db::QueryResult> step = (*catalog)->Execute("SELECT 1");
  if (!backup_exists) {
    step = (*catalog)->Execute(
        "INSERT INTO backups (id, tenant_id, tenant_db, kind, state, started_at, finished_at, size, sha256, manifest, "
        "host) VALUES ($1, $2, $3, $4, 'complete', $5::timestamptz, $5::timestamptz, $6, $7, $8::jsonb, 'rebuilt')",
        row.id, row.tenant_id, row.tenant_db, row.kind, row.started_at, static_cast<std::int64_t>(row.size.value_or(0)),
        row.copies.empty() ? std::string() : row.copies.front().sha256, row.manifest);
  }
  for (const auto& copy : copies) {
    if (!step) break;
    step = (*catalog)->Execute(
        "INSERT INTO backup_copies (backup_id, site, path, size, sha256, verified_at) VALUES ($1, $2, $3, $4, $5, now()) "
        "ON CONFLICT DO NOTHING",
        copy.backup_id, copy.site, copy.path, static_cast<std::int64_t>(copy.size), copy.sha256);
  }
  if (!step) {
    (void)(*catalog)->Execute("ROLLBACK");
    return core::Unexpected(step.error());
  }
  if (auto committed = (*catalog)->Execute("COMMIT"); !committed) return core::Unexpected(committed.error());
  return {};
}

}  // namespace

core::Result<CatalogRebuildOutcome> RebuildBackupCatalog(BackupService& backups, TenantService& tenants,
                                                         const ProgressReporter& progress) {
  auto opened = OpenSitesAndKeys(backups.catalog(), backups.options(), backups.master());
  if (!opened) return core::Unexpected(opened.error());
  if (opened->sites.named.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "no backup site is configured: add the sites again first (citadel site add)");
  }
  auto all_tenants = tenants.List(true);
  if (!all_tenants) return core::Unexpected(all_tenants.error());
  std::map<std::string, TenantRecord> by_db;
  for (const auto& tenant : *all_tenants) {
    if (tenant.state != "dropped") by_db[tenant.db_name] = tenant;
  }

  CatalogRebuildOutcome outcome;
  std::map<std::string, FoundBackup> found;  // by backup id
  for (const auto& site : opened->sites.named) {
    auto top = site.site->List("");
    if (!top) {
      outcome.skipped.push_back(site.name + ": cannot list: " + top.error().message);
      continue;
    }
    for (const auto& directory : *top) {
      if (!directory.directory || !directory.name.starts_with("t_") || !IsRebuildName(directory.name, 64)) continue;
      auto files = site.site->List(directory.name);
      if (!files) {
        outcome.skipped.push_back(site.name + ":" + directory.name + ": cannot list: " + files.error().message);
        continue;
      }
      for (const auto& file : *files) {
        if (file.directory || !file.name.ends_with(".cbk")) continue;  // temporaries end in .partial
        const std::string id = file.name.substr(0, file.name.size() - 4);
        const std::string path = directory.name + "/" + file.name;
        if (!IsRebuildName(id, 64)) continue;
        ++outcome.files_seen;
        FoundBackup& backup = found[id];
        if (!backup.tenant_db.empty() && backup.tenant_db != directory.name) {
          outcome.skipped.push_back(site.name + ":" + path + ": the same backup id under another tenant");
          continue;
        }
        backup.tenant_db = directory.name;
        backup.copies.push_back({&site, path, file.size});
      }
    }
  }

  for (const auto& [id, backup] : found) {
    auto tenant = by_db.find(backup.tenant_db);
    if (tenant == by_db.end()) {
      outcome.skipped.push_back(backup.tenant_db + "/" + id + ".cbk: no live tenant has this database");
      continue;
    }
    auto recorded = backups.catalog().GetBackup(id);
    if (!recorded && recorded.error().code != ErrorCode::kNotFound) return core::Unexpected(recorded.error());
    const bool exists = recorded.has_value();
    if (exists && recorded->tenant_db != backup.tenant_db) {
      outcome.skipped.push_back(backup.tenant_db + "/" + id + ".cbk: the catalog has this id for another tenant");
      continue;
    }
    ProgressMeter meter(progress, "read " + id);
    BackupRow row;
    std::string sha256;
    if (exists) {
      row = *recorded;
      sha256 = row.copies.empty() ? std::string() : row.copies.front().sha256;
    } else {
      // One copy decrypted whole: the envelope must name this tenant and
      // backup, every chunk authenticate under the tenant's key.
      auto key = opened->keys->Get(backup.tenant_db);
      if (!key) {
        outcome.skipped.push_back(backup.tenant_db + "/" + id + ".cbk: no key: " + key.error().message);
        continue;
      }
      ManifestKeeper keeper;
      backup::BackupFileReader reader(
          [&](const backup::BackupEnvelope& envelope) -> core::Result<backup::TenantKey> {
            if (envelope.tenant != backup.tenant_db || envelope.backup_id != id) {
              return Fail(ErrorCode::kPermissionDenied, "its envelope names backup " + envelope.backup_id + " of " +
                                                            envelope.tenant);
            }
            return *key;
          },
          keeper);
      auto digest = HashCopy(backup.copies.front(), &reader, meter);
      auto manifest = nlohmann::json::parse(keeper.manifest(), nullptr, false);
      if (!digest || !manifest.is_object()) {
        outcome.skipped.push_back(backup.copies.front().site->name + ":" + backup.copies.front().path + ": " +
                                  (!digest ? digest.error().message : std::string("no manifest")));
        continue;
      }
      sha256 = *digest;
      row.id = id;
      row.tenant_id = tenant->second.id;
      row.tenant_db = backup.tenant_db;
      row.kind = manifest.value("kind", "manual");
      if (row.kind != "scheduled" && row.kind != "manual" && row.kind != "safety" && row.kind != "final") row.kind = "manual";
      row.started_at = manifest.value("created_at", "");
      if (!ParseRfc3339(row.started_at)) {
        outcome.skipped.push_back(backup.tenant_db + "/" + id + ".cbk: the manifest has no valid time");
        continue;
      }
      row.size = backup.copies.front().size;
      row.manifest = manifest.dump();
    }
    std::vector<CopyRow> copies;
    for (const auto& copy : backup.copies) {
      const bool have = std::any_of(row.copies.begin(), row.copies.end(),
                                    [&](const CopyRow& known) { return known.site == copy.site->name; });
      if (exists && have) continue;
      auto digest = (!exists && &copy == &backup.copies.front()) ? core::Result<std::string>(sha256)
                                                                 : HashCopy(copy, nullptr, meter);
      if (!digest || *digest != sha256 || sha256.empty()) {
        outcome.skipped.push_back(copy.site->name + ":" + copy.path + ": " +
                                  (!digest ? digest.error().message : "differs from the other copies (SHA-256)"));
        continue;
      }
      copies.push_back(CopyRow{id, copy.site->name, copy.path, copy.size, sha256, {}, std::nullopt});
    }
    if (exists && copies.empty()) continue;
    if (!exists) row.copies = copies;
    if (auto recorded_now = RecordBackup(tenants, row, copies, exists); !recorded_now) {
      return core::Unexpected(recorded_now.error());
    }
    if (!exists) ++outcome.backups_added;
    outcome.copies_added += static_cast<int>(copies.size());
  }
  return outcome;
}

}  // namespace citadel::platform
