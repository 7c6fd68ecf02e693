// citadel tenant upgrade NAME|--all: brings tenants to the installed
// modules' versions. Opening the TenantService upgrades the template first
// (TenantModuleHooks::install_template); then each tenant, in its own
// transaction as its own role (a pooled connection from TenantService), runs
// orm::InstallModules. A tenant already at the versions whose schema plans
// nothing is a no-op, so the command is resumable: run it again after a
// failure and only what is left is done.
//
// What an operator sees, one line per tenant, then its warnings indented:
//   upgrading acme (1/3)... done: contacts 18.0.0.9 -> 18.0.1.0, 1 record created
//   upgrading beta (2/3)... done with warnings: contacts ...
//     warning: res_partner.x is stored by no field of res.partner: kept with its data
//   upgrading gamma (3/3)... INCOMPLETE: contacts ...
//     warning: not applied: add constraint res_country_code_uniq ...: SQLSTATE 23505 ...
//   upgrading delta (4/4)... FAILED: <error>
// A FAILED tenant was rolled back whole. An INCOMPLETE one was upgraded and
// committed (its data and the rest of its schema are at the new versions, as
// Odoo does when a constraint cannot be added) but a schema step its data
// refuses is missing; later runs try that step again (it is planned again
// while missing, so the tenant is never "already up to date") until its data
// is fixed. Every warning is also logged (stderr, JSON) with the tenant.
// Exit status: 1 if any tenant failed, else 3 if any is incomplete, else 0.
// Warnings about the modules themselves (e.g. a check constraint the sync
// does not install) are the same for every tenant: printed once, at the top.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/tenant_session.hpp"
#include "core/logger.hpp"
#include "orm/module_installer.hpp"
#include "orm/schema_sync.hpp"
#include "platform/tenant_name.hpp"

namespace citadel::cli {
namespace {

constexpr int kExitIncomplete = 3;

struct TenantOutcome {
  bool upgraded = false;              // false: already up to date, nothing ran
  std::string summary;                // DescribeInstall
  std::vector<std::string> warnings;  // this tenant's schema warnings
  bool incomplete = false;            // a schema step its data refused
};

bool AtInstalledVersions(TenantSession& session, const std::map<std::string, std::string>& installed) {
  for (const auto& [module, version] : orm::ModuleVersions(session.installed->modules)) {
    auto it = installed.find(module);
    if (it == installed.end() || it->second != version) return false;
  }
  return true;
}

core::Result<TenantOutcome> UpgradeOne(TenantSession& session, const orm::SchemaSync& sync,
                                       const std::string& name) {
  auto connection = session.tenants->Acquire(name);
  if (!connection) return core::Unexpected(connection.error());
  auto installed = orm::InstalledModuleVersions(**connection);
  if (!installed) return core::Unexpected(installed.error());
  if (AtInstalledVersions(session, *installed)) {
    // A step an earlier run could not apply is planned again until it is:
    // such a tenant is not up to date (reads only).
    auto plan = sync.Preview(**connection);
    if (!plan) return core::Unexpected(plan.error());
    if (plan->changes.empty()) return TenantOutcome{};
  }
  orm::InstallOptions options;
  options.registry = session.installed->registry;
  auto report = orm::InstallModules(**connection, session.installed->modules, options);
  if (!report) {
    // The connection's transaction was rolled back; a broken one is dropped.
    if (!(*connection)->IsReusable()) connection->Discard();
    return core::Unexpected(report.error());
  }
  return TenantOutcome{true, orm::DescribeInstall(*report), report->schema.warnings,
                       !report->schema.complete()};
}

void Report(const std::string& name, const TenantOutcome& outcome) {
  if (!outcome.upgraded) {
    std::cout << "already up to date\n" << std::flush;
    return;
  }
  const char* status = outcome.incomplete          ? "INCOMPLETE: "
                       : outcome.warnings.empty() ? "done: "
                                                   : "done with warnings: ";
  std::cout << status << outcome.summary << "\n";
  for (const auto& warning : outcome.warnings) {
    std::cout << "  warning: " << warning << "\n";
    core::Log().Warn("tenant upgrade schema warning", {{"tenant", name}, {"warning", warning}});
  }
  if (outcome.incomplete) {
    core::Log().Error("tenant upgraded with schema steps not applied", {{"tenant", name}});
  }
  std::cout << std::flush;
}

const char* Tenants(std::size_t n) { return n == 1 ? " tenant" : " tenants"; }

}  // namespace

int RunTenantUpgrade(const TenantUpgradeCommand& command) {
  if (!command.all) {
    if (auto problem = platform::TenantNameProblem(command.name)) {
      std::cerr << "citadel: invalid tenant name: " << *problem << "\n";
      return 2;
    }
  }
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  auto sync = orm::SchemaSync::Create((*session)->installed->registry);
  if (!sync) return ReportFailure(sync.error());
  std::vector<std::string> names;
  if (command.all) {
    auto tenants = (*session)->tenants->List();
    if (!tenants) return ReportFailure(tenants.error());
    for (const auto& t : *tenants) {
      if (t.state == "active") names.push_back(t.name);
    }
  } else {
    auto tenant = (*session)->tenants->Get(command.name);
    if (!tenant) return ReportFailure(tenant.error());
    names.push_back(tenant->name);
  }
  std::cout << "template: at " << (*session)->installed->versions << "\n";
  for (const auto& warning : sync->wanted().warnings) std::cout << "modules: warning: " << warning << "\n";
  std::cout << std::flush;
  int failed = 0;
  int incomplete = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::cout << "upgrading " << names[i] << " (" << i + 1 << "/" << names.size() << ")... "
              << std::flush;
    auto outcome = UpgradeOne(**session, *sync, names[i]);
    if (outcome) {
      Report(names[i], *outcome);
      if (outcome->incomplete) ++incomplete;
    } else {
      ++failed;
      std::cout << "FAILED: " << outcome.error().message << "\n" << std::flush;
      core::Log().Error("tenant upgrade failed", {{"tenant", names[i]}, {"error", outcome.error().message}});
    }
  }
  if (incomplete > 0) {
    std::cerr << "citadel: " << incomplete << " of " << names.size() << Tenants(names.size())
              << " upgraded INCOMPLETE: a schema step their data refuses was not applied (see the "
                 "warnings); fix the data and run the command again\n";
  }
  if (failed > 0) {
    std::cerr << "citadel: " << failed << " of " << names.size() << Tenants(names.size())
              << " failed to upgrade (nothing of theirs changed); fix them and run the command "
                 "again\n";
    return 1;
  }
  if (incomplete > 0) return kExitIncomplete;
  std::cout << names.size() << Tenants(names.size()) << " at the installed versions\n";
  return 0;
}

}  // namespace citadel::cli
