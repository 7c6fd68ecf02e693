// citadel tenant create | list | info | drop (upgrade: tenant_upgrade_command.cpp).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/cluster_session.hpp"
#include "cli/commands.hpp"
#include "cli/effective_config.hpp"
#include "cli/backup_session.hpp"
#include "cli/tenant_session.hpp"
#include "core/logger.hpp"
#include "core/password_hasher.hpp"
#include "core/random.hpp"
#include "platform/archive_retention_notice.hpp"
#include "platform/tenant_name.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::cli {
namespace {

constexpr std::size_t kGeneratedPasswordLength = 20;

nlohmann::ordered_json ToJson(const platform::TenantRecord& t) {
  nlohmann::ordered_json j;
  j["name"] = t.name;
  j["state"] = t.state;
  j["database"] = t.db_name;
  j["role"] = t.role_name;
  j["cluster"] = t.cluster;
  j["created_at"] = t.created_at;
  j["dropped_at"] = t.dropped_at ? nlohmann::ordered_json(*t.dropped_at) : nullptr;
  j["admin_login"] = t.admin_login;
  return j;
}

int BadName(std::string_view name) {
  if (auto problem = platform::TenantNameProblem(name)) {
    std::cerr << "citadel: invalid tenant name: " << *problem << "\n";
    return 2;
  }
  return 0;
}

// Reads the first line of a password file; refuses empty and oversized ones.
core::Result<std::string> ReadPasswordFile(const std::string& path) {
  auto text = core::RealFileSystem::Instance().ReadFile(path);
  if (!text) return core::Unexpected(text.error());
  std::string password = text->substr(0, text->find('\n'));
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the password file " + path + " is empty");
  }
  if (password.size() > core::kMaxPasswordBytes) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "the password in " + path + " is longer than 4096 bytes");
  }
  return password;
}

}  // namespace

core::Result<std::unique_ptr<TenantSession>> OpenTenants(const CommonOptions& common) {
  auto config = LoadEffectiveConfig(common, core::RealFileSystem::Instance());
  if (!config) return core::Unexpected(config.error());
  if (auto level = core::ParseLogLevel(config->log_level)) core::Log().SetLevel(*level);
  // Commands are interactive: only warnings and errors go to the log.
  if (core::Log().level() < core::LogLevel::kWarn && common.log_level.empty()) {
    core::Log().SetLevel(core::LogLevel::kWarn);
  }
  auto session = std::make_unique<TenantSession>();
  auto installed = LoadInstalledModules();
  if (!installed) return core::Unexpected(installed.error());
  session->installed = std::move(*installed);
  auto cluster = ClusterSession::Open(*config, ClusterSession::Purpose::kCommand);
  if (!cluster) return core::Unexpected(cluster.error());
  session->cluster = std::move(*cluster);
  auto tenants = platform::TenantService::Open(session->cluster->access(),
                                               TenantOptions(*config, session->installed));
  if (!tenants) return core::Unexpected(tenants.error());
  session->tenants = std::move(*tenants);
  return session;
}

int ReportFailure(const core::Error& error) {
  // The command ends here: what was logged before goes first (the log is
  // buffered), so that the reason is the last thing on stderr.
  core::Log().StopBuffering();
  std::cerr << "citadel: " << error.message << "\n";
  return error.code == core::ErrorCode::kInvalidArgument ? 2 : 1;
}

int RunTenantCreate(const TenantCreateCommand& command) {
  if (int bad = BadName(command.name)) return bad;
  if (command.admin_login.empty() || command.admin_login.size() > 256) {
    std::cerr << "citadel: --admin-login must be 1 to 256 characters\n";
    return 2;
  }
  std::string password;
  bool generated = command.admin_password_file.empty();
  if (generated) {
    password = core::RandomPassword(kGeneratedPasswordLength);
  } else {
    auto read = ReadPasswordFile(command.admin_password_file);
    if (!read) return ReportFailure(read.error());
    password = std::move(*read);
  }
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  auto created = (*session)->tenants->Create({command.name, command.admin_login, password});
  if (!created) return ReportFailure(created.error());
  std::cout << "Tenant " << created->name << " created.\n"
            << "  Database:  " << created->db_name << "\n"
            << "  Login:     " << created->admin_login << "\n";
  if (generated) {
    std::cout << "  Password:  " << password << "\n"
              << "  (shown only this once: store it now)\n";
  }
  return 0;
}

int RunTenantList(const TenantListCommand& command) {
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  auto tenants = (*session)->tenants->List();
  if (!tenants) return ReportFailure(tenants.error());
  if (command.json) {
    auto all = nlohmann::ordered_json::array();
    for (const auto& t : *tenants) all.push_back(ToJson(t));
    std::cout << all.dump(2) << "\n";
    return 0;
  }
  std::printf("%-32s %-9s %-16s %s\n", "NAME", "STATE", "DATABASE", "CREATED");
  for (const auto& t : *tenants) {
    std::printf("%-32s %-9s %-16s %s\n", t.name.c_str(), t.state.c_str(), t.db_name.c_str(),
                t.created_at.c_str());
  }
  return 0;
}

int RunTenantInfo(const TenantInfoCommand& command) {
  if (int bad = BadName(command.name)) return bad;
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  auto tenant = (*session)->tenants->Get(command.name);
  if (!tenant) return ReportFailure(tenant.error());
  auto j = ToJson(*tenant);
  if (command.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& [key, value] : j.items()) {
    std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump())
              << "\n";
  }
  return 0;
}

int RunTenantDrop(const TenantDropCommand& command) {
  if (int bad = BadName(command.name)) return bad;
  if (!command.yes) {
    if (!::isatty(STDIN_FILENO)) {
      std::cerr << "citadel: dropping a tenant destroys its data; without a terminal, confirm "
                   "with --yes\n";
      return 2;
    }
    std::cout << "Drop tenant " << command.name
              << " and all its data? Type its name to confirm: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != command.name) {
      std::cerr << "citadel: not confirmed; nothing was dropped\n";
      return 1;
    }
  }
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto& backups = *(*session)->backups;
  if (!command.final_backup.empty()) {
    auto final = backups.Create(command.name, "final", StderrProgress());
    if (!final) return ReportFailure(final.error());
    auto written = ExportToFile(backups, final->id, command.final_backup);
    if (!written) return ReportFailure(written.error());
    std::cout << "Final backup " << final->id << " written to " << command.final_backup << " ("
              << HumanBytes(*written) << ").\n";
  }
  auto dropped = (*session)->tenants->tenants->Drop(command.name);
  if (!dropped) return ReportFailure(dropped.error());
  std::cout << "Tenant " << dropped->name << " dropped (database " << dropped->db_name
            << " and its role removed; the drop is recorded in the catalog).\n";
  // Crypto-shredding: the key goes, so every backup of the tenant on every
  // site is unreadable from now on, by anyone.
  auto destroyed = backups.DestroyTenantKey(dropped->db_name);
  if (!destroyed) return ReportFailure(destroyed.error());
  bool everywhere = true;
  for (const auto& outcome : *destroyed) {
    if (!outcome.ok) {
      everywhere = false;
      std::cout << "  warning: the key copy on site " << outcome.site << " could not be removed yet (" << outcome.detail
                << "); it will be on the next key replication\n";
    }
  }
  std::cout << "Its backup key was destroyed" << (everywhere ? " on every site" : "")
            << ": its backups can no longer be read by anyone.\n";
  // The cluster's own archive is not under the tenant's key: say until when
  // it keeps the database.
  const core::ServerConfig& config = (*session)->config;
  std::cout << platform::ArchiveRetentionAfterDrop(config.cluster, config.data_dir,
                                                   std::chrono::system_clock::now())
                   .message
            << "\n";
  return everywhere ? 0 : 1;
}

}  // namespace citadel::cli
