// citadel backup create|list|verify|restore|download|status: a tenant's encrypted backups
// (platform/backup_service.hpp), with progress on stderr and --json output.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/backup_session.hpp"
#include "cli/commands.hpp"
#include "platform/backup_copy_retry.hpp"
#include "platform/backup_restore_live.hpp"
#include "platform/backup_sites.hpp"
#include "platform/utc_time.hpp"

namespace citadel::cli {
namespace {

nlohmann::ordered_json BackupJson(const platform::BackupRow& row) {
  auto copies = nlohmann::ordered_json::array();
  for (const auto& copy : row.copies) {
    copies.push_back({{"site", copy.site}, {"path", copy.path}, {"size", copy.size}, {"sha256", copy.sha256},
                      {"stored_at", copy.stored_at}});
  }
  return {{"id", row.id},
          {"tenant_database", row.tenant_db},
          {"kind", row.kind},
          {"state", row.state},
          {"started_at", row.started_at},
          {"finished_at", row.finished_at ? nlohmann::ordered_json(*row.finished_at) : nullptr},
          {"size", row.size ? nlohmann::ordered_json(*row.size) : nullptr},
          {"verified_at", row.verified_at ? nlohmann::ordered_json(*row.verified_at) : nullptr},
          {"verify_error", row.verify_error},
          {"error", row.error},
          {"copies", copies}};
}

// Ends a progress line rewritten in place, so the next output starts clean.
void EndProgressLine() {
  if (::isatty(STDERR_FILENO) != 0) std::fputc('\n', stderr);
}

}  // namespace

int RunBackupCreate(const BackupCreateCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto made = platform::CreateBackupWithRetries(*(*session)->backups, command.tenant, "manual", StderrProgress());
  EndProgressLine();
  if (!made) return ReportFailure(made.error());
  if (command.json) {
    std::cout << BackupJson(*made).dump(2) << "\n";
  } else {
    std::cout << "Backup " << made->id << " of " << command.tenant << ": "
              << HumanBytes(made->size.value_or(0)) << " on " << made->copies.size() << " site(s)";
    for (const auto& copy : made->copies) std::cout << " " << copy.site;
    std::cout << ".\n";
    if (!made->error.empty()) std::cout << "warning: " << made->error << "\n";
  }
  return made->error.empty() ? 0 : 1;
}

int RunBackupList(const BackupListCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto backups = (*session)->backups->List(command.tenant);
  if (!backups) return ReportFailure(backups.error());
  if (command.json) {
    auto all = nlohmann::ordered_json::array();
    for (const auto& row : *backups) all.push_back(BackupJson(row));
    std::cout << all.dump(2) << "\n";
    return 0;
  }
  if (backups->empty()) {
    std::cout << "No backup of " << command.tenant << " yet.\n";
    return 0;
  }
  std::printf("%-24s %-9s %-9s %-21s %10s %5s %s\n", "ID", "KIND", "STATE", "STARTED", "SIZE", "SITES", "VERIFIED");
  for (const auto& row : *backups) {
    std::string verified = row.verified_at ? *row.verified_at : (row.verify_error.empty() ? "-" : "FAILED");
    std::printf("%-24s %-9s %-9s %-21s %10s %5zu %s\n", row.id.c_str(), row.kind.c_str(), row.state.c_str(),
                row.started_at.c_str(), row.size ? HumanBytes(*row.size).c_str() : "-", row.copies.size(),
                verified.c_str());
  }
  return 0;
}

int RunBackupVerify(const BackupVerifyCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto outcome = (*session)->backups->Verify(command.backup_id, StderrProgress());
  EndProgressLine();
  if (!outcome) {
    if (command.json) {
      std::cout << nlohmann::ordered_json{{"backup_id", command.backup_id}, {"ok", false},
                                          {"error", outcome.error().message}}.dump(2)
                << "\n";
      return 1;
    }
    return ReportFailure(outcome.error());
  }
  if (command.json) {
    std::cout << nlohmann::ordered_json{{"backup_id", outcome->backup_id}, {"ok", outcome->ok()},
                                        {"site", outcome->site}, {"bytes_read", outcome->bytes_read},
                                        {"differences", outcome->differences}}.dump(2)
              << "\n";
  } else if (outcome->ok()) {
    std::cout << "Backup " << outcome->backup_id << " verified: restored from " << outcome->site
              << ", every table matches its manifest.\n";
  } else {
    std::cout << "Backup " << outcome->backup_id << " does NOT match its manifest:\n" << outcome->differences;
  }
  return outcome->ok() ? 0 : 1;
}

int RunBackupDownload(const BackupDownloadCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto written = ExportToFile(*(*session)->backups, command.backup_id, command.output);
  EndProgressLine();
  if (!written) return ReportFailure(written.error());
  std::cout << "Backup " << command.backup_id << " written to " << command.output << " (" << HumanBytes(*written)
            << "; restore the dump with pg_restore).\n";
  return 0;
}

int RunBackupStatus(const BackupStatusCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto& catalog = (*session)->backups->catalog();
  auto health = catalog.Health();
  if (!health) return ReportFailure(health.error());
  auto sites = catalog.ListSites();
  if (!sites) return ReportFailure(sites.error());
  auto policy = catalog.Policy();
  if (!policy) return ReportFailure(policy.error());
  std::string problem = platform::SitePolicyProblem(*sites, *policy);
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  constexpr auto kStale = std::chrono::hours(26);
  auto tenants = nlohmann::ordered_json::array();
  std::vector<std::string> stale;
  for (const auto& tenant : *health) {
    std::optional<std::int64_t> age;
    if (tenant.verified_backup_at) {
      if (auto at = platform::ParseRfc3339(*tenant.verified_backup_at)) age = (now - *at).count();
    }
    // A tenant younger than the threshold is not late yet for its first one.
    auto created = platform::ParseRfc3339(tenant.created_at);
    bool young = created && now - *created <= kStale;
    bool is_stale = age ? std::chrono::seconds(*age) > kStale : !young;
    if (is_stale) stale.push_back(tenant.tenant);
    tenants.push_back({{"tenant", tenant.tenant},
                       {"last_backup_at", tenant.last_backup_at ? nlohmann::ordered_json(*tenant.last_backup_at) : nullptr},
                       {"verified_backup", tenant.verified_backup_id},
                       {"verified_backup_at",
                        tenant.verified_backup_at ? nlohmann::ordered_json(*tenant.verified_backup_at) : nullptr},
                       {"verified_age_seconds", age ? nlohmann::ordered_json(*age) : nullptr},
                       {"verified_sites", tenant.verified_sites},
                       {"stale", is_stale}});
  }
  if (command.json) {
    std::cout << nlohmann::ordered_json{{"policy", {{"min_sites", policy->min_sites},
                                                    {"min_regions", policy->min_regions},
                                                    {"lowered_reason", policy->lowered_reason},
                                                    {"met", problem.empty()},
                                                    {"problem", problem}}},
                                        {"tenants", tenants}}
                     .dump(2)
              << "\n";
  } else {
    std::printf("%-24s %-21s %-21s %5s %s\n", "TENANT", "LAST BACKUP", "LAST VERIFIED", "SITES", "");
    for (const auto& t : tenants) {
      auto text = [](const nlohmann::ordered_json& v) { return v.is_null() ? std::string("-") : v.get<std::string>(); };
      std::printf("%-24s %-21s %-21s %5d %s\n", t["tenant"].get<std::string>().c_str(),
                  text(t["last_backup_at"]).c_str(), text(t["verified_backup_at"]).c_str(),
                  t["verified_sites"].get<int>(), t["stale"].get<bool>() ? "STALE (> 26 h or none)" : (t["verified_backup_at"].is_null() ? "new, none yet" : "ok"));
    }
    std::cout << "Policy: at least " << policy->min_sites << " site(s) in " << policy->min_regions << " region(s)";
    if (!policy->lowered_reason.empty()) std::cout << ", LOWERED: " << policy->lowered_reason;
    std::cout << "\n";
    if (!problem.empty()) std::cout << "NOT MET: " << problem << "\n";
  }
  return stale.empty() && problem.empty() ? 0 : 1;
}

namespace {

int RunBackupRestoreOntoLive(const BackupRestoreCommand& command, BackupSession& session) {
  platform::OntoLiveOptions options;
  options.progress = StderrProgress();
  options.say = [](const std::string& line) {
    EndProgressLine();
    std::fprintf(stderr, "%s\n", line.c_str());
  };
  options.safety_backup = [&](const std::string& tenant) {
    return platform::CreateBackupWithRetries(*session.backups, tenant, "safety", options.progress);
  };
  auto restored = platform::RestoreOntoLive(*session.backups, *session.tenants->tenants, command.tenant,
                                            command.backup_id, options);
  EndProgressLine();
  if (!restored) {
    if (command.json) {
      std::cout << nlohmann::ordered_json{{"tenant", command.tenant}, {"backup_id", command.backup_id},
                                          {"ok", false}, {"error", restored.error().message}}
                       .dump(2)
                << "\n";
      return 1;
    }
    return ReportFailure(restored.error());
  }
  if (command.json) {
    std::cout << nlohmann::ordered_json{{"tenant", restored->tenant},
                                        {"database", restored->database},
                                        {"backup_id", restored->backup_id},
                                        {"ok", true},
                                        {"safety_backup_id", restored->safety_backup_id},
                                        {"site", restored->site},
                                        {"bytes_read", restored->bytes_read},
                                        {"sessions_ended", restored->sessions_ended},
                                        {"unavailable_ms", restored->unavailable.count()},
                                        {"repaired", restored->repaired},
                                        {"warning", restored->warning}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "Backup " << restored->backup_id << " restored onto " << restored->tenant
              << "'s live database; every table matches the backup's manifest. Unavailable for "
              << restored->unavailable.count() << " ms; " << restored->sessions_ended
              << " web session(s) ended.\nSafety backup of the data it replaced: " << restored->safety_backup_id
              << " (citadel backup restore " << restored->tenant << " " << restored->safety_backup_id
              << " --onto-live brings it back).\n";
    if (!restored->warning.empty()) std::cout << "warning: " << restored->warning << "\n";
  }
  return 0;
}

}  // namespace

int RunBackupRestore(const BackupRestoreCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  if (command.onto_live) return RunBackupRestoreOntoLive(command, **session);
  if (!command.tenant.empty()) {
    // A TENANT named beside a backup id must be the backup's.
    auto tenant = (*session)->tenants->tenants->Get(command.tenant);
    if (!tenant) return ReportFailure(tenant.error());
    auto row = (*session)->backups->catalog().GetBackup(command.backup_id);
    if (!row) return ReportFailure(row.error());
    if (row->tenant_id != tenant->id) {
      return ReportFailure(core::Error{core::ErrorCode::kInvalidArgument,
                                       "backup " + command.backup_id + " is not a backup of " + command.tenant});
    }
  }
  auto restored = (*session)->backups->RestoreBeside(command.backup_id, command.as, StderrProgress());
  EndProgressLine();
  if (!restored) return ReportFailure(restored.error());
  if (command.json) {
    std::cout << nlohmann::ordered_json{{"tenant", restored->name}, {"database", restored->db_name},
                                        {"admin_login", restored->admin_login}, {"from_backup", command.backup_id}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "Backup " << command.backup_id << " restored as tenant " << restored->name << " (database "
              << restored->db_name << "); every table matches the backup's manifest. Its users and passwords are "
              << "those of the backup.\n";
  }
  return 0;
}

}  // namespace citadel::cli
