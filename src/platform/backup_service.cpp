#include "platform/backup_service.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "backup/backup_file.hpp"
#include "backup/fan_out_upload.hpp"
#include "backup/pg_dump_census.hpp"
#include "core/logger.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "db/utility_statement.hpp"
#include "platform/pg_tool_process.hpp"
#include "platform/progress_meter.hpp"
#include "platform/table_census.hpp"
#include "platform/tenant_file_sealing.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;



core::Result<std::string> SingleText(db::Connection& connection, db::SqlText sql, std::string_view column) {
  auto rows = connection.Execute(sql);
  if (!rows) return core::Unexpected(rows.error());
  return rows->Text(0, column);
}

core::Result<nlohmann::json> InstalledModules(db::Connection& connection) {
  auto present = SingleText(connection, "SELECT to_regclass('ir_module_module') IS NOT NULL AS present", "present");
  if (!present) return core::Unexpected(present.error());
  nlohmann::json modules = nlohmann::json::object();
  if (*present != "t") return modules;
  auto rows = connection.Execute(
      "SELECT name, coalesce(latest_version, '') AS version FROM ir_module_module ORDER BY name");
  if (!rows) return core::Unexpected(rows.error());
  for (int row = 0; row < rows->rows(); ++row) modules[rows->Text(row, "name")] = rows->Text(row, "version");
  return modules;
}

// Writes the tenant's file store, file by file, as parts
// "filestore/<first two hex>/<sha256 hex>" holding the plain content: the
// backup is sealed as a whole, and a download's .tar then holds plain files
// in Odoo's filestore layout. Each file is opened with the tenant's file
// sealing (its SHA-256 comes from inside it, checked against its keyed
// name); a file that does not open is already unreadable to the tenant, so
// it is left out and logged rather than failing every backup. One file is
// in memory at a time (at most the store's maximum value size).
core::Result<nlohmann::json> WriteFileStore(const std::string& root, const TenantFileSealing& sealing,
                                            backup::ArchiveWriter& archive, ProgressMeter& meter) {
  nlohmann::json parts = nlohmann::json::array();
  std::error_code ec;
  if (root.empty() || !std::filesystem::is_directory(root, ec)) return parts;
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec); !ec && it != std::filesystem::end(it);
       it.increment(ec)) {
    // Only "<2 hex>/<64 hex>": temporaries of interrupted writes are not files yet.
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && name.size() == 64 && name.find('.') == std::string::npos &&
        it->path().parent_path().filename().string() == name.substr(0, 2)) {
      files.push_back(it->path());
    }
  }
  if (ec) return Fail(ErrorCode::kIo, "cannot list the file store " + root + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string sealed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return Fail(ErrorCode::kIo, "cannot read " + file.string());
    auto opened = sealing.OpenNamed(file.filename().string(), sealed);
    if (!opened) {
      core::Log().Error("a file store file does not open and is left out of the backup",
                        {{"file", file.string()}, {"error", opened.error().message}});
      continue;
    }
    const std::string name = "filestore/" + opened->sha256_hex.substr(0, 2) + "/" + opened->sha256_hex;
    if (auto begun = archive.BeginPart(name); !begun) return core::Unexpected(begun.error());
    if (auto written = archive.WritePart(opened->content); !written) return core::Unexpected(written.error());
    meter.Add(opened->content.size());
    auto summary = archive.EndPart();
    if (!summary) return core::Unexpected(summary.error());
    parts.push_back({{"name", summary->name}, {"size", summary->size}, {"sha256", summary->sha256_hex}});
  }
  return parts;
}

core::Result<backup::TenantKey> KeyForBackup(backup::TenantKeyStore& keys, BackupCatalog& catalog,
                                             const TenantRecord& tenant) {
  auto key = keys.Get(tenant.db_name);
  if (key || key.error().code != ErrorCode::kNotFound) return key;
  // No key anywhere: only a tenant that never had a backup gets a new one.
  auto existing = catalog.ListBackups(tenant.id);
  if (!existing) return core::Unexpected(existing.error());
  for (const auto& row : *existing) {
    if (row.state == "complete") {
      return Fail(ErrorCode::kNotFound, "the key of tenant " + tenant.name + " (" + tenant.db_name +
                                            ") is missing here and on every site, but it has backups: refusing to "
                                            "make a new key (its backups would become unreadable)");
    }
  }
  return keys.Create(tenant.db_name);
}

// Ends a transaction whatever state it is in; errors do not matter here.
void EndTransaction(db::Connection& connection) { (void)connection.Execute("ROLLBACK"); }

}  // namespace

std::string NewBackupId(std::chrono::system_clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dt%H%M%Sz", &tm);
  return std::string(text) + "-" + core::RandomHex(3);
}

core::Result<SitesAndKeys> OpenSitesAndKeys(BackupCatalog& catalog, const BackupServiceOptions& options,
                                            const backup::MasterKey& master) {
  auto sites = OpenAllSites(catalog);
  if (!sites) return core::Unexpected(sites.error());
  SitesAndKeys opened;
  opened.sites = std::move(*sites);
  opened.keys = std::make_unique<backup::TenantKeyStore>(options.key_directory, master, opened.sites.named);
  return opened;
}

core::Result<std::unique_ptr<BackupService>> BackupService::Open(TenantService& tenants,
                                                                 BackupServiceOptions options) {
  auto master = backup::LoadMasterKey(options.master_key_path);
  if (!master && master.error().code == ErrorCode::kNotFound && options.create_master_key) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(options.master_key_path).parent_path(), ec);
    master = backup::CreateMasterKeyFile(options.master_key_path);
  }
  if (!master) return core::Unexpected(master.error());
  return std::unique_ptr<BackupService>(new BackupService(tenants, std::move(options), std::move(*master)));
}

BackupService::BackupService(TenantService& tenants, BackupServiceOptions options, backup::MasterKey master)
    : tenants_(tenants), options_(std::move(options)), master_(std::move(master)), catalog_(tenants) {
  std::error_code ec;
  auto time = std::filesystem::last_write_time(options_.master_key_path, ec);
  if (!ec) master_file_time_ = time;
}

backup::MasterKey BackupService::master() const {
  std::lock_guard lock(master_mutex_);
  // The file is looked at only when its time changed (a rotation renames a
  // new file over it); the environment variable, when set, wins as at start.
  std::error_code ec;
  auto time = std::filesystem::last_write_time(options_.master_key_path, ec);
  if (ec || (master_file_time_ && *master_file_time_ == time)) return master_;
  auto reloaded = backup::LoadMasterKey(options_.master_key_path);
  if (!reloaded) return master_;  // half-written or unreadable: the key in use stays
  master_file_time_ = time;
  if (reloaded->id() != master_.id()) {
    core::Log().Info("master key reloaded", {{"old_key_id", master_.id()}, {"new_key_id", reloaded->id()}});
    master_ = std::move(*reloaded);
  }
  return master_;
}

core::Result<std::vector<BackupRow>> BackupService::List(const std::string& tenant_name) {
  auto tenant = tenants_.Get(tenant_name);
  if (!tenant) return core::Unexpected(tenant.error());
  return catalog_.ListBackups(tenant->id);
}

core::Result<BackupRow> BackupService::Create(const std::string& tenant_name, const std::string& kind,
                                              const ProgressReporter& progress, const std::string& given_id) {
  if (stopping_) return Fail(ErrorCode::kUnavailable, "not started: the server is stopping");
  auto tenant = tenants_.Get(tenant_name);
  if (!tenant) return core::Unexpected(tenant.error());
  auto opened = OpenSitesAndKeys(catalog_, options_, master());
  if (!opened) return core::Unexpected(opened.error());
  if (opened->sites.named.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "no backup site is configured: add one with `citadel site add`");
  }
  auto policy = catalog_.Policy();
  if (!policy) return core::Unexpected(policy.error());
  if (auto problem = SitePolicyProblem(opened->sites.rows, *policy); !problem.empty()) {
    return Fail(ErrorCode::kInvalidArgument, problem);
  }
  auto key = KeyForBackup(*opened->keys, catalog_, *tenant);
  if (!key) return core::Unexpected(key.error());
  auto dsn = tenants_.TenantDsn(tenant_name);
  if (!dsn) return core::Unexpected(dsn.error());

  auto now = std::chrono::system_clock::now();
  const std::string id = given_id.empty() ? NewBackupId(now) : given_id;
  if (auto begun = catalog_.BeginBackup(id, tenant->id, tenant->db_name, kind); !begun) {
    return core::Unexpected(begun.error());
  }
  auto fail = [&](const core::Error& error) -> core::Result<BackupRow> {
    (void)catalog_.FailBackup(id, error.message);
    return core::Unexpected(error);
  };

  auto connection = db::Connection::Open(*dsn);
  if (!connection) return fail(connection.error());
  auto snapshot = [&]() -> core::Result<std::string> {
    auto begun = connection->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!begun) return core::Unexpected(begun.error());
    return SingleText(*connection, "SELECT pg_export_snapshot() AS snapshot", "snapshot");
  }();
  if (!snapshot) return fail(snapshot.error());

  std::string path = tenant->db_name + "/" + id + ".cbk";
  backup::FanOutUpload upload(opened->sites.named, path);
  backup::BackupFileWriter writer(*key, id, Rfc3339(now), upload);
  auto written = [&]() -> core::Result<nlohmann::json> {
    if (auto started = writer.Start(); !started) return core::Unexpected(started.error());
    auto& archive = writer.archive();
    nlohmann::json parts = nlohmann::json::array();

    // The dump, straight from pg_dump's stdout into the archive; the table
    // census is read from it as it passes (backup/pg_dump_census.hpp), so
    // each table is scanned once.
    auto dump_dsn = CopyCensusDumpDsn(*dsn);
    if (!dump_dsn) return core::Unexpected(dump_dsn.error());
    auto dump = PgToolProcess::Start(options_.pg_bin_dir + "/pg_dump", *dump_dsn,
                                     {"--format=custom", "--compress=0", "--encoding=UTF8", "--snapshot=" + *snapshot,
                                      "--no-sync"},
                                     PgToolProcess::Stream::kReadStdout);
    if (!dump) return core::Unexpected(dump.error());
    if (auto begun = archive.BeginPart(kBackupDumpPart); !begun) return core::Unexpected(begun.error());
    ProgressMeter dump_meter(progress, "dump");
    backup::PgDumpCensus dump_census;
    std::string buffer(kBackupStreamChunk, '\0');
    while (true) {
      auto chunk = dump->ReadInto(buffer);
      if (!chunk) return core::Unexpected(chunk.error());
      if (chunk->empty()) break;
      if (auto counted = dump_census.Write(*chunk); !counted) return core::Unexpected(counted.error());
      if (auto part = archive.WritePart(*chunk); !part) return core::Unexpected(part.error());
      dump_meter.Add(chunk->size());
      if (stopping_) return Fail(ErrorCode::kUnavailable, "stopped: the server is stopping");
    }
    dump_meter.Add(0, true);
    if (auto finished = dump->Finish(options_.tool_timeout); !finished) return core::Unexpected(finished.error());
    auto tallies = dump_census.Finish();
    if (!tallies) return core::Unexpected(tallies.error());
    auto census = CensusFromDump(*tallies);
    if (!census) return core::Unexpected(census.error());
    auto dump_summary = archive.EndPart();
    if (!dump_summary) return core::Unexpected(dump_summary.error());
    parts.push_back({{"name", dump_summary->name}, {"size", dump_summary->size}, {"sha256", dump_summary->sha256_hex}});

    ProgressMeter files_meter(progress, "file store");
    const TenantFileSealing sealing(key->bytes);
    auto file_parts = WriteFileStore(options_.file_store_root.empty() ? "" : options_.file_store_root + "/" +
                                                                                 tenant->db_name,
                                     sealing, archive, files_meter);
    if (!file_parts) return core::Unexpected(file_parts.error());
    for (auto& part : *file_parts) parts.push_back(std::move(part));

    auto modules = InstalledModules(*connection);
    if (!modules) return core::Unexpected(modules.error());
    auto server_version = SingleText(*connection, "SHOW server_version", "server_version");
    if (!server_version) return core::Unexpected(server_version.error());
    nlohmann::json manifest = {
        {"format", kBackupManifestFormat},
        {"backup_id", id},
        {"kind", kind},
        {"tenant", {{"id", tenant->id}, {"name", tenant->name}, {"database", tenant->db_name}}},
        {"created_at", Rfc3339(now)},
        {"postgresql", {{"server_version", *server_version}, {"dump_format", "custom"}}},
        {"modules", *modules},
        {"parts", parts},
        {"tables", CensusToJson(*census)},
    };
    std::string text = manifest.dump(1);
    if (auto begun = archive.BeginPart(kBackupManifestPart); !begun) return core::Unexpected(begun.error());
    if (auto part = archive.WritePart(text); !part) return core::Unexpected(part.error());
    if (auto ended = archive.EndPart(); !ended) return core::Unexpected(ended.error());
    if (auto finished = writer.Finish(); !finished) return core::Unexpected(finished.error());
    return manifest;
  }();
  EndTransaction(*connection);
  if (!written) {
    upload.Abort();
    return fail(written.error());
  }

  std::vector<CopyRow> copies;
  std::string failures;
  for (const auto& outcome : upload.outcomes()) {
    if (outcome.copy) {
      copies.push_back(CopyRow{id, outcome.site, outcome.copy->path, outcome.copy->size, outcome.copy->sha256_hex,
                               {}, std::nullopt});
    } else {
      failures += outcome.site + ": " + outcome.error + "; ";
    }
  }
  if (copies.empty()) return fail(core::Error{ErrorCode::kUnavailable, "no site holds a copy: " + failures});
  if (auto completed = catalog_.CompleteBackup(id, copies.front().size, copies.front().sha256, written->dump(), copies);
      !completed) {
    return fail(completed.error());
  }
  auto row = catalog_.GetBackup(id);
  if (row && !failures.empty()) row->error = "copies missing: " + failures;
  return row;
}

core::Result<std::vector<backup::SiteOutcome>> BackupService::DestroyTenantKey(const std::string& tenant_db) {
  auto opened = OpenSitesAndKeys(catalog_, options_, master());
  if (!opened) return core::Unexpected(opened.error());
  return opened->keys->Destroy(tenant_db);
}

}  // namespace citadel::platform
