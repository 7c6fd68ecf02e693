// BackupService's reading side: Verify (restore into a scratch database and
// compare the census with the manifest) and Export (the plain .tar).
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "backup/tar_writer.hpp"
#include "core/random.hpp"
#include "db/utility_statement.hpp"
#include "db/conninfo.hpp"
#include "platform/backup_reading.hpp"
#include "platform/backup_service.hpp"
#include "platform/pg_tool_process.hpp"
#include "orm/file_store.hpp"
#include "platform/table_census.hpp"
#include "platform/tenant_file_sealing.hpp"
#include "platform/tenant_key_creation.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;

// Routes the parts of a backup being restored: the dump to pg_restore, the
// manifest kept, the file store's files (plain in the archive) put into
// `file_store`, the target tenant's store, which seals each under that
// tenant's key and names it by its keyed hash (or, when it is null, only
// checked: the reader checks every part's size and SHA-256 against the
// archive's records, and here that each file's SHA-256 is the one its name
// says). A file is gathered in memory (at most the store's maximum value
// size) and stored once its part checked out.
class RestoreVisitor final : public backup::ArchiveVisitor {
 public:
  RestoreVisitor(PgToolProcess& restore, orm::FileStore* file_store)
      : restore_sink_(restore), file_store_(file_store) {}
  core::Result<backup::ByteSink*> BeginPart(const std::string& name) override {
    if (name == kBackupDumpPart) return &restore_sink_;
    if (name == kBackupManifestPart) return &manifest_;
    if (!name.starts_with("filestore/")) return static_cast<backup::ByteSink*>(nullptr);
    // "filestore/<2 hex>/<sha256 hex>"; the reader checked names are relative.
    const std::string relative = name.substr(std::strlen("filestore/"));
    const auto slash = relative.find('/');
    if (slash == std::string::npos || !orm::FileReference::Parse("sha256:" + relative.substr(slash + 1) + ":0")) {
      return Fail(ErrorCode::kInvalidArgument, "the backup holds a file store entry of an unknown shape: " + name);
    }
    file_sha256_ = relative.substr(slash + 1);
    // Checked only (verify): the content is not kept, its SHA-256 is compared.
    file_sink_ = file_store_ != nullptr ? FileSink(file_store_->max_bytes(), true) : FileSink(0, false);
    file_open_ = true;
    return &file_sink_;
  }
  core::Result<void> EndPart(const backup::ArchivePartSummary& part) override {
    if (!file_open_) return {};
    file_open_ = false;
    if (part.sha256_hex != file_sha256_) {
      return Fail(ErrorCode::kInvalidArgument, "the backup's file " + part.name + " does not hold what its name says");
    }
    if (file_store_ == nullptr) return {};
    auto stored = file_store_->Put(file_sink_.content());
    file_sink_ = FileSink(0);
    if (!stored) return Fail(stored.error().code, "cannot restore the file " + part.name + ": " + stored.error().message);
    return {};
  }
  core::Result<void> EndArchive() override { return {}; }
  const std::string& manifest() const { return manifest_.data(); }

 private:
  class RestoreSink final : public backup::ByteSink {
   public:
    explicit RestoreSink(PgToolProcess& restore) : restore_(restore) {}
    core::Result<void> Write(std::string_view bytes) override { return restore_.Write(bytes); }
    core::Result<void> Close() override { return {}; }

   private:
    PgToolProcess& restore_;
  };
  class FileSink final : public backup::ByteSink {
   public:
    explicit FileSink(std::uint64_t max_bytes = 0, bool keep = false) : max_bytes_(max_bytes), keep_(keep) {}
    core::Result<void> Write(std::string_view bytes) override {
      if (!keep_) return {};
      if (content_.size() + bytes.size() > max_bytes_) {
        return Fail(ErrorCode::kInvalidArgument, "a file of the backup is larger than the file store takes");
      }
      content_.append(bytes);
      return {};
    }
    core::Result<void> Close() override { return {}; }
    const std::string& content() const { return content_; }

   private:
    std::uint64_t max_bytes_;
    bool keep_;
    std::string content_;
  };
  RestoreSink restore_sink_;
  orm::FileStore* file_store_;
  backup::StringSink manifest_;
  bool file_open_ = false;
  std::string file_sha256_;
  FileSink file_sink_;
};

// Routes every part into a tar entry whose size the catalog's manifest gave;
// the manifest part itself is held (it is small) and written when complete.
class TarVisitor final : public backup::ArchiveVisitor {
 public:
  TarVisitor(backup::TarWriter& tar, std::map<std::string, std::uint64_t> sizes) : tar_(tar), sizes_(std::move(sizes)) {}
  core::Result<backup::ByteSink*> BeginPart(const std::string& name) override {
    if (name == kBackupManifestPart) {
      manifest_ = backup::StringSink();
      return &manifest_;
    }
    auto size = sizes_.find(name);
    if (size == sizes_.end()) {
      return Fail(ErrorCode::kInvalidArgument, "the backup holds a part its manifest does not list: " + name);
    }
    if (auto begun = tar_.BeginEntry(name, size->second); !begun) return core::Unexpected(begun.error());
    return &entry_sink_;
  }
  core::Result<void> EndPart(const backup::ArchivePartSummary& part) override {
    if (part.name != kBackupManifestPart) return tar_.EndEntry();
    if (auto begun = tar_.BeginEntry(part.name, manifest_.data().size()); !begun) return begun;
    if (auto written = tar_.Write(manifest_.data()); !written) return written;
    return tar_.EndEntry();
  }
  core::Result<void> EndArchive() override { return {}; }

 private:
  class EntrySink final : public backup::ByteSink {
   public:
    explicit EntrySink(backup::TarWriter& tar) : tar_(tar) {}
    core::Result<void> Write(std::string_view bytes) override { return tar_.Write(bytes); }
    core::Result<void> Close() override { return {}; }

   private:
    backup::TarWriter& tar_;
  };
  backup::TarWriter& tar_;
  std::map<std::string, std::uint64_t> sizes_;
  backup::StringSink manifest_;
  EntrySink entry_sink_{tar_};
};

core::Result<void> RunUtility(db::Connection& connection, db::UtilityStatementBuilder& builder) {
  auto statement = builder.Build();
  if (!statement) return core::Unexpected(statement.error());
  auto ran = connection.ExecuteUtility(*statement);
  if (!ran) return core::Unexpected(ran.error());
  return {};
}


struct RestoredStream {
  std::uint64_t bytes_read = 0;
  std::string manifest;
};

// pg_restore of the copy's dump into the database of `dsn` (its objects owned
// by the DSN's role), the file store's files put into `file_store` (the
// target tenant's, sealed under its key; null: only checked). Returns the
// manifest the backup carried.
core::Result<RestoredStream> RestoreStream(const BackupRow& row, ReadableCopy& copy, const backup::TenantKey& key,
                                           const std::string& dsn, orm::FileStore* file_store,
                                           const BackupServiceOptions& options, const ProgressReporter& progress,
                                           const std::string& stage) {
  auto restore = PgToolProcess::Start(options.pg_bin_dir + "/pg_restore", dsn,
                                      {"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"},
                                      PgToolProcess::Stream::kWriteStdin);
  if (!restore) return core::Unexpected(restore.error());
  RestoreVisitor visitor(*restore, file_store);
  auto read = ReadBackupCopy(row, copy, key, visitor, progress, stage);
  if (!read) return core::Unexpected(read.error());
  if (auto finished = restore->Finish(options.tool_timeout); !finished) return core::Unexpected(finished.error());
  return RestoredStream{*read, visitor.manifest()};
}

// The census of the database of `dsn` against the manifest's: empty when
// every table matches, else one line per difference.
core::Result<std::string> CompareWithManifest(const std::string& dsn, const std::string& manifest_text) {
  auto manifest = nlohmann::json::parse(manifest_text, nullptr, false);
  if (!manifest.is_object() || manifest.value("format", "") != kBackupManifestFormat || !manifest.contains("tables")) {
    return Fail(ErrorCode::kInvalidArgument, "the backup's manifest is missing or malformed");
  }
  auto expected = CensusFromJson(manifest["tables"]);
  if (!expected) return core::Unexpected(expected.error());
  auto restored = db::Connection::Open(dsn);
  if (!restored) return core::Unexpected(restored.error());
  if (auto begun = restored->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) {
    return core::Unexpected(begun.error());
  }
  if (auto prepared = PrepareCensusSession(*restored); !prepared) return core::Unexpected(prepared.error());
  // A second connection copies out half of a "copy-text" census: the
  // restored database is idle, and the machine's other core with it.
  auto actual = TakeTableCensus(*restored, &*expected, dsn);
  (void)restored->Execute("ROLLBACK");
  if (!actual) return core::Unexpected(actual.error());
  return DescribeCensusDifferences(*expected, *actual);
}

}  // namespace

core::Result<VerifyOutcome> BackupService::Verify(const std::string& backup_id, const ProgressReporter& progress) {
  auto row = catalog_.GetBackup(backup_id);
  if (!row) return core::Unexpected(row.error());
  auto backup = OpenCompleteBackup(*row, catalog_, options_, master());
  if (!backup) return core::Unexpected(backup.error());
  const backup::TenantKey& key = backup->key;
  ReadableCopy& copy = backup->copy;

  auto maintenance = tenants_.AcquireMaintenance();
  if (!maintenance) return core::Unexpected(maintenance.error());
  auto scratch = db::Identifier::Make("citadel_verify_" + core::RandomLowerAlnum(12));
  if (!scratch) return core::Unexpected(scratch.error());
  {
    db::UtilityStatementBuilder create(**maintenance);
    create.Sql("CREATE DATABASE ").Name(*scratch).Sql(" TEMPLATE template0 ENCODING 'UTF8'");
    if (auto made = RunUtility(**maintenance, create); !made) return core::Unexpected(made.error());
  }
  auto drop_scratch = [&] {
    db::UtilityStatementBuilder drop(**maintenance);
    drop.Sql("DROP DATABASE IF EXISTS ").Name(*scratch).Sql(" WITH (FORCE)");
    (void)RunUtility(**maintenance, drop);
  };

  VerifyOutcome outcome{backup_id, copy.copy->site, {}, 0};
  auto verified = [&]() -> core::Result<void> {
    std::string dsn = tenants_.ProvisioningDsn(scratch->str());
    auto restored = RestoreStream(*row, copy, key, dsn, nullptr, options_, progress, "verify");
    if (!restored) return core::Unexpected(restored.error());
    outcome.bytes_read = restored->bytes_read;
    auto differences = CompareWithManifest(dsn, restored->manifest);
    if (!differences) return core::Unexpected(differences.error());
    outcome.differences = *differences;
    return {};
  }();
  drop_scratch();
  if (!verified) {
    (void)catalog_.RecordVerification(backup_id, verified.error().message);
    return core::Unexpected(verified.error());
  }
  (void)catalog_.RecordVerification(backup_id, outcome.differences);
  return outcome;
}

core::Result<std::uint64_t> BackupService::Export(const std::string& backup_id, backup::ByteSink& out,
                                                  const ProgressReporter& progress) {
  auto row = catalog_.GetBackup(backup_id);
  if (!row) return core::Unexpected(row.error());
  auto backup = OpenCompleteBackup(*row, catalog_, options_, master());
  if (!backup) return core::Unexpected(backup.error());
  const backup::TenantKey& key = backup->key;
  ReadableCopy& copy = backup->copy;
  auto manifest = nlohmann::json::parse(row->manifest, nullptr, false);
  if (!manifest.is_object() || !manifest.contains("parts") || !manifest["parts"].is_array()) {
    return Fail(ErrorCode::kInvalidArgument, "the catalog's manifest of backup " + backup_id + " is malformed");
  }
  std::map<std::string, std::uint64_t> sizes;
  for (const auto& part : manifest["parts"]) sizes[part.value("name", "")] = part.value("size", std::uint64_t{0});
  auto created = ParseRfc3339(manifest.value("created_at", ""));
  backup::TarWriter tar(out, created ? created->time_since_epoch().count() : 0);
  TarVisitor visitor(tar, std::move(sizes));
  auto read = ReadBackupCopy(*row, copy, key, visitor, progress, "export");
  if (!read) return core::Unexpected(read.error());
  if (auto closed = tar.Close(); !closed) return core::Unexpected(closed.error());
  return *read;
}

core::Result<BackupService::RestoredInto> BackupService::RestoreInto(const BackupRow& row, const std::string& dsn,
                                                                     const std::string& file_store,
                                                                     const ProgressReporter& progress) {
  auto backup = OpenCompleteBackup(row, catalog_, options_, master());
  if (!backup) return core::Unexpected(backup.error());
  const backup::TenantKey& key = backup->key;
  ReadableCopy& copy = backup->copy;
  // The files go back sealed under the same tenant's key (the database keeps
  // its name once switched into place, and so its key).
  std::unique_ptr<orm::FileStore> target;
  if (!file_store.empty()) {
    orm::FileStoreOptions store_options;
    store_options.sealing = std::make_shared<TenantFileSealing>(key.bytes);
    target = std::make_unique<orm::FileStore>(file_store, core::RealFileSystem::Instance(), store_options);
  }
  auto restored = RestoreStream(row, copy, key, dsn, target.get(), options_, progress, "restore");
  if (!restored) return core::Unexpected(restored.error());
  auto differences = CompareWithManifest(dsn, restored->manifest);
  if (!differences) return core::Unexpected(differences.error());
  return RestoredInto{restored->bytes_read, copy.copy->site, *differences};
}

core::Result<TenantRecord> BackupService::RestoreBeside(const std::string& backup_id, const std::string& new_name,
                                                       const ProgressReporter& progress) {
  auto row = catalog_.GetBackup(backup_id);
  if (!row) return core::Unexpected(row.error());
  auto backup = OpenCompleteBackup(*row, catalog_, options_, master());
  if (!backup) return core::Unexpected(backup.error());
  const backup::TenantKey& key = backup->key;
  ReadableCopy& copy = backup->copy;
  // The first admin recorded for the source stays the new tenant's (the
  // restored database holds its users, with their own passwords, anyway).
  auto manifest = nlohmann::json::parse(row->manifest, nullptr, false);
  std::string source = manifest.is_object() && manifest.contains("tenant") ? manifest["tenant"].value("name", "") : "";
  std::string admin_login = "admin";
  std::string admin_hash = "!";  // matches no password
  if (auto source_record = tenants_.Get(source)) {
    admin_login = source_record->admin_login;
    if (auto hash = tenants_.AdminPasswordHash(source)) admin_hash = *hash;
  }
  std::string file_store;
  auto created = tenants_.CreateRestored(new_name, admin_login, admin_hash, [&](const std::string& dsn) -> core::Result<void> {
    auto info = db::ParseConnInfo(dsn);
    std::string db_name;
    if (info) {
      for (const auto& [k, v] : *info) {
        if (k == "dbname") db_name = v;
      }
    }
    // The new tenant's files are sealed under its own key, never the source's.
    std::unique_ptr<orm::FileStore> target;
    if (!options_.file_store_root.empty() && !db_name.empty()) {
      auto target_key = GetOrCreateTenantKey(*backup->sites_and_keys.keys, db_name);
      if (!target_key) return core::Unexpected(target_key.error());
      file_store = options_.file_store_root + "/" + db_name;
      orm::FileStoreOptions store_options;
      store_options.sealing = std::make_shared<TenantFileSealing>(target_key->bytes);
      target = std::make_unique<orm::FileStore>(file_store, core::RealFileSystem::Instance(), store_options);
    }
    auto restored = RestoreStream(*row, copy, key, dsn, target.get(), options_, progress, "restore");
    core::Result<std::string> differences =
        restored ? CompareWithManifest(dsn, restored->manifest) : core::Result<std::string>(core::Unexpected(restored.error()));
    if (differences && !differences->empty()) {
      differences = Fail(ErrorCode::kInternal, "the restored database does not match the backup's manifest: " + *differences);
    }
    if (differences) {
      // A copy gets a security epoch of its own (orm/security_signal.hpp).
      auto connection = db::Connection::Open(dsn);
      auto renewed = connection ? connection->Execute(
          "DO $$ BEGIN IF to_regclass('citadel_security_signal') IS NOT NULL THEN UPDATE "
          "citadel_security_signal SET epoch = gen_random_uuid(), version = version + 1; END IF; END $$")
                                : core::Result<db::QueryResult>(core::Unexpected(connection.error()));
      if (!renewed) differences = core::Unexpected(renewed.error());
    }
    if (!differences) {
      std::error_code ec;
      if (!file_store.empty()) std::filesystem::remove_all(file_store, ec);
      return core::Unexpected(differences.error());
    }
    return {};
  });
  return created;
}

}  // namespace citadel::platform
