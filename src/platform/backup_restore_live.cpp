#include "platform/backup_restore_live.hpp"

#include <nlohmann/json.hpp>

#include "db/conninfo.hpp"
#include "platform/live_database_switch.hpp"
#include "platform/restore_lock.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;

// The tenant's own DSN with another database name (the scratch database).
core::Result<std::string> DsnForDatabase(const std::string& tenant_dsn, const std::string& database) {
  auto info = db::ParseConnInfo(tenant_dsn);
  if (!info) return core::Unexpected(info.error());
  db::SetConnOption(*info, "dbname", database);
  return db::FormatConnInfo(*info);
}

}  // namespace

std::string OntoLiveRefusal(const BackupRow& row, const TenantRecord& tenant) {
  if (row.tenant_id != tenant.id || row.tenant_db != tenant.db_name) {
    return "backup " + row.id + " is a backup of another tenant (database " + row.tenant_db +
           "): a backup is restored onto its own tenant only (restore it beside with --as NEW_NAME)";
  }
  if (row.state != "complete") return "backup " + row.id + " is " + row.state + ", not complete";
  auto manifest = nlohmann::json::parse(row.manifest, nullptr, false);
  if (!manifest.is_object() || !manifest.contains("tenant") || !manifest["tenant"].is_object() ||
      manifest["tenant"].value("database", "") != tenant.db_name) {
    return "the manifest of backup " + row.id + " does not name tenant " + tenant.name + "'s database";
  }
  return {};
}

core::Result<OntoLiveOutcome> RestoreOntoLive(BackupService& backups, TenantService& tenants,
                                              const std::string& tenant_name, const std::string& backup_id,
                                              const OntoLiveOptions& options) {
  auto say = [&](const std::string& line) {
    if (options.say) options.say(line);
  };
  auto step = [&](std::string_view name) -> core::Result<void> {
    if (options.before_step) return options.before_step(name);
    return {};
  };
  auto tenant = tenants.Get(tenant_name);
  if (!tenant) return core::Unexpected(tenant.error());
  auto row = backups.catalog().GetBackup(backup_id);
  if (!row) return core::Unexpected(row.error());
  if (auto refusal = OntoLiveRefusal(*row, *tenant); !refusal.empty()) {
    return Fail(ErrorCode::kPermissionDenied, refusal);
  }
  auto lock = TenantRestoreLock::TryAcquire(tenants, tenant->id);
  if (!lock) return core::Unexpected(lock.error());
  auto maintenance = tenants.AcquireMaintenance();
  if (!maintenance) return core::Unexpected(maintenance.error());
  auto names = LiveSwitchNames::For(*tenant, backups.options().file_store_root);

  OntoLiveOutcome outcome;
  outcome.tenant = tenant->name;
  outcome.database = tenant->db_name;
  outcome.backup_id = backup_id;
  // Whatever a killed restore of this tenant left is mended first.
  auto repaired = RepairLiveSwitch(**maintenance, lock->catalog(), *tenant, names);
  if (!repaired) return core::Unexpected(repaired.error());
  outcome.repaired = *repaired;
  if (!repaired->empty()) say("repaired: " + *repaired);
  tenant = tenants.Get(tenant_name);
  if (!tenant) return core::Unexpected(tenant.error());
  if (tenant->state != "active") {
    return Fail(ErrorCode::kUnavailable, "tenant " + tenant_name + " is " + tenant->state + ", not active");
  }
  auto tenant_dsn = tenants.TenantDsn(tenant_name);
  if (!tenant_dsn) return core::Unexpected(tenant_dsn.error());
  auto scratch_dsn = DsnForDatabase(*tenant_dsn, names.scratch);
  if (!scratch_dsn) return core::Unexpected(scratch_dsn.error());

  // 1. The way back.
  if (auto go = step("safety backup"); !go) return core::Unexpected(go.error());
  say("safety backup of " + tenant_name + "'s live database...");
  auto safety = options.safety_backup ? options.safety_backup(tenant_name)
                                      : backups.Create(tenant_name, "safety", options.progress);
  if (!safety) {
    return Fail(safety.error().code, "the safety backup failed, nothing was changed: " + safety.error().message);
  }
  outcome.safety_backup_id = safety->id;
  say("safety backup " + safety->id + " taken (" + std::to_string(safety->copies.size()) + " site(s))");

  // Any failure from here until the rename commits puts everything back.
  auto undo = [&](const core::Error& error) -> core::Result<OntoLiveOutcome> {
    auto current = tenants.Get(tenant_name);
    auto mended = current ? RepairLiveSwitch(**maintenance, lock->catalog(), *current, names)
                          : core::Result<std::string>(core::Unexpected(current.error()));
    std::string message = error.message + " — the live tenant is as it was";
    if (!mended) message += " (but cleaning up failed: " + mended.error().message + "; the next restore retries it)";
    message += "; safety backup " + outcome.safety_backup_id + " was kept";
    say("failed: " + error.message);
    return Fail(error.code, message);
  };

  // 2. The backup, beside the live database.
  if (auto go = step("scratch database"); !go) return undo(go.error());
  if (auto made = CreateScratchDatabase(tenants, **maintenance, names); !made) return undo(made.error());
  if (auto go = step("restore"); !go) return undo(go.error());
  say("restoring backup " + backup_id + " into " + names.scratch + " beside the live database...");
  auto restored = backups.RestoreInto(*row, *scratch_dsn, names.scratch_dir, options.progress);
  if (!restored) return undo(restored.error());
  if (!restored->differences.empty()) {
    return undo(core::Error{ErrorCode::kInternal,
                            "the restored database does not match the backup's manifest: " + restored->differences});
  }
  outcome.bytes_read = restored->bytes_read;
  outcome.site = restored->site;
  if (auto renewed = RenewSecurityEpoch(*scratch_dsn); !renewed) return undo(renewed.error());
  say("restored from site " + restored->site + "; every table matches the manifest");

  // 3. The switch.
  if (auto go = step("switch"); !go) return undo(go.error());
  say("switching " + tenant_name + " to the restored database...");
  auto started = std::chrono::steady_clock::now();
  auto marked = lock->catalog().Execute(
      "UPDATE tenants SET state = 'restoring' WHERE id = $1 AND state = 'active'", tenant->id);
  if (!marked) return undo(marked.error());
  if (marked->affected_rows() != 1) {
    return undo(core::Error{ErrorCode::kUnavailable, "tenant " + tenant_name + " is no longer active"});
  }
  // This process's pool lets go at once; other servers' pooled connections
  // are terminated by the rename below and reopen through the catalog.
  tenants.Pools().Evict(tenant_name);
  if (auto swapped = SwapFileStores(names); !swapped) return undo(swapped.error());
  if (auto go = step("rename"); !go) return undo(go.error());
  if (auto renamed = RenameIntoPlace(**maintenance, names, options.rename_attempts); !renamed) {
    return undo(renamed.error());
  }

  // 4. The rename committed: from here a failure is finished, not undone.
  auto finish = [&](const core::Error& error) -> core::Result<OntoLiveOutcome> {
    auto current = tenants.Get(tenant_name);
    auto mended = current ? RepairLiveSwitch(**maintenance, lock->catalog(), *current, names)
                          : core::Result<std::string>(core::Unexpected(current.error()));
    if (!mended) {
      return Fail(error.code, "the restored database is in place but the tenant could not be made active again (" +
                                  error.message + "; " + mended.error().message +
                                  "): run the same restore again, it finishes the switch first");
    }
    outcome.warning = error.message + " (mended)";
    return outcome;
  };
  if (auto go = step("catalog"); !go) {
    auto finished = finish(go.error());
    if (!finished) return finished;
  } else {
    auto ended = ActivateAfterSwitch(lock->catalog(), tenant->id);
    if (!ended) {
      auto finished = finish(ended.error());
      if (!finished) return finished;
    } else {
      outcome.sessions_ended = *ended;
    }
  }
  tenants.Pools().Evict(tenant_name);
  outcome.unavailable =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  say("switched in " + std::to_string(outcome.unavailable.count()) + " ms; " + std::to_string(outcome.sessions_ended) +
      " web session(s) ended");

  // 5. The old database and files go.
  auto cleaned = step("cleanup");
  if (cleaned) cleaned = DropRetired(**maintenance, names);
  if (!cleaned) {
    outcome.warning = "the old database " + names.retired + " could not be dropped yet (" + cleaned.error().message +
                      "); the next restore of the tenant drops it";
  }
  return outcome;
}

}  // namespace citadel::platform
