// citadel site add|list|check|remove|policy, citadel keys init|rotate: the places tenant backups are
// kept (platform/backup_sites.hpp). A site is checked before it is stored:
// a typo in a path or a host key fails here, not at 3 a.m. in a backup.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/backup_session.hpp"
#include "cli/commands.hpp"
#include "backup/master_key.hpp"
#include "backup/master_key_rotation.hpp"
#include "cli/effective_config.hpp"
#include "core/file_system.hpp"
#include "platform/backup_sites.hpp"

namespace citadel::cli {
namespace {

nlohmann::ordered_json SiteJson(const platform::SiteRow& site) {
  return {{"name", site.name},         {"kind", site.kind},         {"region", site.region},
          {"location", site.location}, {"host_key", site.host_key}, {"added_at", site.added_at}};
}

nlohmann::ordered_json PolicyJson(const platform::SitePolicy& policy, const std::string& problem) {
  return {{"min_sites", policy.min_sites},
          {"min_regions", policy.min_regions},
          {"lowered_reason", policy.lowered_reason},
          {"met", problem.empty()},
          {"problem", problem}};
}

void PrintPolicy(const platform::SitePolicy& policy, const std::string& problem) {
  std::cout << "Policy: every backup on at least " << policy.min_sites << " site(s) in " << policy.min_regions
            << " region(s)";
  if (!policy.lowered_reason.empty()) std::cout << " (lowered: " << policy.lowered_reason << ")";
  std::cout << "\n";
  if (!problem.empty()) std::cout << "NOT MET: " << problem << "\n";
}

}  // namespace

int RunSiteAdd(const SiteAddCommand& command) {
  platform::SiteRow row;
  row.name = command.name;
  row.region = command.region;
  if (!command.dir.empty()) {
    row.kind = "local";
    row.location = command.dir;
  } else if (!command.sftp.empty()) {
    row.kind = "sftp";
    row.location = command.sftp;
    row.host_key = command.host_key;
    row.private_key_path = command.private_key;
  } else {
    std::cerr << "citadel: site add needs --dir PATH or --sftp USER@HOST[:PORT]/ROOT\n";
    return 2;
  }
  if (auto valid = platform::CheckSiteRow(row); !valid) return ReportFailure(valid.error());
  auto site = platform::OpenSite(row);
  if (!site) return ReportFailure(site.error());
  backup::SiteHealth health = (*site)->Check();
  if (!health.writable) {
    std::cerr << "citadel: site " << row.name << " is not usable: " << health.detail << "\n";
    return 1;
  }
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto& catalog = (*session)->backups->catalog();
  if (auto added = catalog.AddSite(row); !added) return ReportFailure(added.error());
  // The keys go to the new site at once: a site is useful only with them.
  auto opened = platform::OpenSitesAndKeys(catalog, (*session)->backups->options(), (*session)->backups->master());
  if (opened) {
    for (const auto& outcome : opened->keys->Replicate()) {
      if (!outcome.ok) std::cerr << "warning: tenant keys not copied to " << outcome.site << ": " << outcome.detail << "\n";
    }
  }
  std::cout << "Site " << row.name << " added (" << row.kind << ", region " << row.region << ", "
            << (health.free_bytes ? HumanBytes(*health.free_bytes) + " free" : std::string("free space unknown"))
            << ").\n";
  auto sites = catalog.ListSites();
  auto policy = catalog.Policy();
  if (sites && policy) {
    std::string problem = platform::SitePolicyProblem(*sites, *policy);
    if (!problem.empty()) std::cout << "Backups will not run yet: " << problem << "\n";
  }
  return 0;
}

int RunSiteList(const SiteListCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto& catalog = (*session)->backups->catalog();
  auto sites = catalog.ListSites();
  if (!sites) return ReportFailure(sites.error());
  auto policy = catalog.Policy();
  if (!policy) return ReportFailure(policy.error());
  std::string problem = platform::SitePolicyProblem(*sites, *policy);
  if (command.json) {
    auto all = nlohmann::ordered_json::array();
    for (const auto& site : *sites) all.push_back(SiteJson(site));
    std::cout << nlohmann::ordered_json{{"sites", all}, {"policy", PolicyJson(*policy, problem)}}.dump(2) << "\n";
    return 0;
  }
  if (sites->empty()) {
    std::cout << "No backup site. Add one with `citadel site add NAME --region R --dir PATH`.\n";
  } else {
    std::printf("%-20s %-6s %-12s %s\n", "NAME", "KIND", "REGION", "LOCATION");
    for (const auto& site : *sites) {
      std::printf("%-20s %-6s %-12s %s\n", site.name.c_str(), site.kind.c_str(), site.region.c_str(),
                  site.location.c_str());
    }
  }
  PrintPolicy(*policy, problem);
  return 0;
}

int RunSiteCheck(const SiteCheckCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto sites = (*session)->backups->catalog().ListSites();
  if (!sites) return ReportFailure(sites.error());
  auto results = nlohmann::ordered_json::array();
  bool all_good = true;
  bool found = command.name.empty();
  for (const auto& row : *sites) {
    if (!command.name.empty() && row.name != command.name) continue;
    found = true;
    backup::SiteHealth health;
    auto site = platform::OpenSite(row);
    if (site) {
      health = (*site)->Check();
    } else {
      health.detail = site.error().message;
    }
    all_good = all_good && health.writable;
    results.push_back({{"name", row.name},
                       {"reachable", health.reachable},
                       {"writable", health.writable},
                       {"free_bytes", health.free_bytes ? nlohmann::ordered_json(*health.free_bytes) : nullptr},
                       {"round_trip_ms", health.round_trip.count()},
                       {"detail", health.detail}});
  }
  if (!found) {
    std::cerr << "citadel: no backup site named " << command.name << "\n";
    return 2;
  }
  if (command.json) {
    std::cout << results.dump(2) << "\n";
  } else {
    for (const auto& r : results) {
      std::string state = r["writable"].get<bool>() ? "ok" : (r["reachable"].get<bool>() ? "NOT WRITABLE" : "DOWN");
      std::string free = r["free_bytes"].is_null() ? "?" : HumanBytes(r["free_bytes"].get<std::uint64_t>());
      std::printf("%-20s %-13s free %-10s %5lld ms  %s\n", r["name"].get<std::string>().c_str(), state.c_str(),
                  free.c_str(), static_cast<long long>(r["round_trip_ms"].get<std::int64_t>()),
                  r["detail"].get<std::string>().c_str());
    }
  }
  return all_good ? 0 : 1;
}

int RunSiteRemove(const SiteRemoveCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto& catalog = (*session)->backups->catalog();
  if (auto removed = catalog.RemoveSite(command.name, command.forget_copies); !removed) {
    return ReportFailure(removed.error());
  }
  std::cout << "Site " << command.name << " removed; its files were left in place.\n";
  auto sites = catalog.ListSites();
  auto policy = catalog.Policy();
  if (sites && policy) {
    std::string problem = platform::SitePolicyProblem(*sites, *policy);
    if (!problem.empty()) std::cout << "Backups will not run now: " << problem << "\n";
  }
  return 0;
}

int RunSitePolicy(const SitePolicyCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto& catalog = (*session)->backups->catalog();
  auto policy = catalog.Policy();
  if (!policy) return ReportFailure(policy.error());
  if (command.min_sites || command.min_regions) {
    platform::SitePolicy defaults;
    platform::SitePolicy next = *policy;
    if (command.min_sites) next.min_sites = *command.min_sites;
    if (command.min_regions) next.min_regions = *command.min_regions;
    bool lowered = next.min_sites < defaults.min_sites || next.min_regions < defaults.min_regions;
    if (lowered && command.reason.empty()) {
      std::cerr << "citadel: lowering the policy below " << defaults.min_sites << " sites in " << defaults.min_regions
                << " regions needs --reason (it is recorded and shown by `citadel status`)\n";
      return 2;
    }
    if (next.min_regions > next.min_sites) {
      std::cerr << "citadel: --min-regions cannot exceed --min-sites\n";
      return 2;
    }
    next.lowered_reason = lowered ? command.reason : "";
    if (auto set = catalog.SetPolicy(next); !set) return ReportFailure(set.error());
    policy = next;
  }
  auto sites = catalog.ListSites();
  if (!sites) return ReportFailure(sites.error());
  std::string problem = platform::SitePolicyProblem(*sites, *policy);
  if (command.json) {
    std::cout << PolicyJson(*policy, problem).dump(2) << "\n";
  } else {
    PrintPolicy(*policy, problem);
  }
  return 0;
}

int RunKeysInit(const KeysInitCommand& command) {
  auto config = LoadEffectiveConfig(command.common, core::RealFileSystem::Instance());
  if (!config) return ReportFailure(config.error());
  auto options = BackupOptions(*config);
  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  auto key = backup::CreateMasterKeyFile(options.master_key_path);
  if (!key) return ReportFailure(key.error());
  std::cout << "Master key " << key->id() << " written to " << options.master_key_path << " (mode 0600).\n"
            << "Keep a copy off this machine (a password manager, a safe): without it no backup can be read.\n";
  return 0;
}

int RunKeysRotate(const KeysRotateCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  const auto& options = (*session)->backups->options();
  auto sites = platform::OpenAllSites((*session)->backups->catalog());
  if (!sites) return ReportFailure(sites.error());
  auto rotation = backup::RotateMasterKey(options.key_directory, options.master_key_path, command.new_key_file,
                                          sites->named);
  if (!rotation) return ReportFailure(rotation.error());
  bool cleaned = true;
  for (const auto& outcome : rotation->cleaned) cleaned = cleaned && outcome.ok;
  auto outcomes = [](const std::vector<backup::SiteOutcome>& list) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& o : list) out.push_back({{"site", o.site}, {"ok", o.ok}, {"detail", o.detail}});
    return out;
  };
  if (command.json) {
    std::cout << nlohmann::ordered_json{{"old_key_id", rotation->old_key_id},
                                        {"new_key_id", rotation->new_key_id},
                                        {"complete", rotation->complete},
                                        {"resumed", rotation->resumed},
                                        {"tenant_keys", rotation->tenant_keys},
                                        {"staged_path", rotation->staged_path},
                                        {"key_in_environment", rotation->in_environment},
                                        {"pushed", outcomes(rotation->pushed)},
                                        {"cleaned", outcomes(rotation->cleaned)}}
                     .dump(2)
              << "\n";
    return rotation->complete && cleaned ? 0 : 1;
  }
  if (!rotation->complete) {
    std::cout << "Master key NOT rotated yet: " << rotation->tenant_keys << " tenant key(s) could not be written "
              << "wrapped by the new key " << rotation->new_key_id << " to every site:\n";
    for (const auto& o : rotation->pushed) {
      if (!o.ok) std::cout << "  " << o.site << ": " << o.detail << "\n";
    }
    std::cout << "The old key " << rotation->old_key_id << " stays in use; nothing here changed. The new key is "
              << "staged in " << rotation->staged_path << ": run `citadel keys rotate` again once the site(s) "
              << "answer, it resumes with it.\n";
    return 1;
  }
  std::cout << "Master key rotated: " << rotation->old_key_id << " -> " << rotation->new_key_id << "; "
            << rotation->tenant_keys << " tenant key(s) re-wrapped here and on " << rotation->pushed.size()
            << " site(s); no backup was touched.\n";
  if (rotation->in_environment) {
    std::cout << "The key came from " << backup::kMasterKeyEnvironmentVariable << ": put the new key (in "
              << rotation->staged_path << ") there now, then remove that file.\n";
  } else {
    std::cout << "The new key is in " << options.master_key_path << ": keep a copy off this machine.\n";
  }
  std::cout << "Running servers use the new key from their next backup or key lookup (no restart).\n";
  for (const auto& o : rotation->cleaned) {
    if (!o.ok) std::cout << "warning: old records are left on site " << o.site << " (" << o.detail
                         << "); the next key replication removes them.\n";
  }
  return cleaned ? 0 : 1;
}

}  // namespace citadel::cli
