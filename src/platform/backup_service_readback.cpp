// BackupService's reading side: Verify (restore into a scratch database and
// compare the census with the manifest) and Export (the plain .tar).
#include <ctime>
#include <map>

#include <nlohmann/json.hpp>

#include "backup/tar_writer.hpp"
#include "core/random.hpp"
#include "db/utility_statement.hpp"
#include "platform/backup_reading.hpp"
#include "platform/backup_service.hpp"
#include "platform/pg_tool_process.hpp"
#include "platform/table_census.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;

// Routes the parts of a backup being verified: the dump to pg_restore, the
// manifest kept, the file store's files only checked (the reader checks
// every part's size and SHA-256 against the archive's records).
class VerifyVisitor final : public backup::ArchiveVisitor {
 public:
  explicit VerifyVisitor(PgToolProcess& restore) : restore_sink_(restore) {}
  core::Result<backup::ByteSink*> BeginPart(const std::string& name) override {
    if (name == kBackupDumpPart) return &restore_sink_;
    if (name == kBackupManifestPart) return &manifest_;
    return static_cast<backup::ByteSink*>(nullptr);
  }
  core::Result<void> EndPart(const backup::ArchivePartSummary&) override { return {}; }
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
  RestoreSink restore_sink_;
  backup::StringSink manifest_;
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


}  // namespace

core::Result<VerifyOutcome> BackupService::Verify(const std::string& backup_id, const ProgressReporter& progress) {
  auto row = catalog_.GetBackup(backup_id);
  if (!row) return core::Unexpected(row.error());
  if (row->state != "complete") {
    return Fail(ErrorCode::kInvalidArgument, "backup " + backup_id + " is " + row->state + ", not complete");
  }
  auto opened = OpenSitesAndKeys(catalog_, options_, master_);
  if (!opened) return core::Unexpected(opened.error());
  auto key = opened->keys->Get(row->tenant_db);
  if (!key) return core::Unexpected(key.error());
  auto copy = OpenReadableCopy(*row, opened->sites);
  if (!copy) return core::Unexpected(copy.error());

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

  VerifyOutcome outcome{backup_id, copy->copy->site, {}, 0};
  auto verified = [&]() -> core::Result<void> {
    auto restore = PgToolProcess::Start(options_.pg_bin_dir + "/pg_restore",
                                        tenants_.ProvisioningDsn(scratch->str()),
                                        {"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"},
                                        PgToolProcess::Stream::kWriteStdin);
    if (!restore) return core::Unexpected(restore.error());
    VerifyVisitor visitor(*restore);
    auto read = ReadBackupCopy(*row, *copy, *key, visitor, progress, "verify");
    if (!read) return core::Unexpected(read.error());
    outcome.bytes_read = *read;
    if (auto finished = restore->Finish(options_.tool_timeout); !finished) return core::Unexpected(finished.error());

    auto manifest = nlohmann::json::parse(visitor.manifest(), nullptr, false);
    if (!manifest.is_object() || manifest.value("format", "") != kBackupManifestFormat ||
        !manifest.contains("tables")) {
      return Fail(ErrorCode::kInvalidArgument, "the backup's manifest is missing or malformed");
    }
    auto expected = CensusFromJson(manifest["tables"]);
    if (!expected) return core::Unexpected(expected.error());
    auto restored = db::Connection::Open(tenants_.ProvisioningDsn(scratch->str()));
    if (!restored) return core::Unexpected(restored.error());
    if (auto begun = restored->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) {
      return core::Unexpected(begun.error());
    }
    if (auto prepared = PrepareCensusSession(*restored); !prepared) return core::Unexpected(prepared.error());
    auto actual = TakeTableCensus(*restored);
    (void)restored->Execute("ROLLBACK");
    if (!actual) return core::Unexpected(actual.error());
    outcome.differences = DescribeCensusDifferences(*expected, *actual);
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
  if (row->state != "complete") {
    return Fail(ErrorCode::kInvalidArgument, "backup " + backup_id + " is " + row->state + ", not complete");
  }
  auto manifest = nlohmann::json::parse(row->manifest, nullptr, false);
  if (!manifest.is_object() || !manifest.contains("parts") || !manifest["parts"].is_array()) {
    return Fail(ErrorCode::kInvalidArgument, "the catalog's manifest of backup " + backup_id + " is malformed");
  }
  std::map<std::string, std::uint64_t> sizes;
  for (const auto& part : manifest["parts"]) sizes[part.value("name", "")] = part.value("size", std::uint64_t{0});
  auto opened = OpenSitesAndKeys(catalog_, options_, master_);
  if (!opened) return core::Unexpected(opened.error());
  auto key = opened->keys->Get(row->tenant_db);
  if (!key) return core::Unexpected(key.error());
  auto copy = OpenReadableCopy(*row, opened->sites);
  if (!copy) return core::Unexpected(copy.error());
  auto created = ParseRfc3339(manifest.value("created_at", ""));
  backup::TarWriter tar(out, created ? created->time_since_epoch().count() : 0);
  TarVisitor visitor(tar, std::move(sizes));
  auto read = ReadBackupCopy(*row, *copy, *key, visitor, progress, "export");
  if (!read) return core::Unexpected(read.error());
  if (auto closed = tar.Close(); !closed) return core::Unexpected(closed.error());
  return *read;
}

}  // namespace citadel::platform
