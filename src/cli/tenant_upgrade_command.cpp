// citadel tenant upgrade NAME|--all: brings tenants to the installed
// modules' versions. Opening the TenantService upgrades the template first
// (TenantModuleHooks::install_template); then each tenant, in its own
// transaction as its own role (a pooled connection from TenantService), runs
// orm::InstallModules. A tenant already at the versions is a no-op, so the
// command is resumable: run it again after a failure and only what is left
// is done. A failing tenant is reported and the others go on; the exit
// status is 1 if any failed.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/tenant_session.hpp"
#include "orm/module_installer.hpp"
#include "platform/tenant_name.hpp"

namespace citadel::cli {
namespace {

// "done: ...", "already up to date", or the error.
core::Result<std::string> UpgradeOne(TenantSession& session, const std::string& name) {
  auto connection = session.tenants->Acquire(name);
  if (!connection) return core::Unexpected(connection.error());
  auto installed = orm::InstalledModuleVersions(**connection);
  if (!installed) return core::Unexpected(installed.error());
  bool current = true;
  for (const auto& [module, version] : orm::ModuleVersions(session.installed->modules)) {
    auto it = installed->find(module);
    current = current && it != installed->end() && it->second == version;
  }
  if (current) return std::string("already up to date");
  orm::InstallOptions options;
  options.registry = session.installed->registry;
  auto report = orm::InstallModules(**connection, session.installed->modules, options);
  if (!report) {
    // The connection's transaction was rolled back; a broken one is dropped.
    if (!(*connection)->IsReusable()) connection->Discard();
    return core::Unexpected(report.error());
  }
  return "done: " + orm::DescribeInstall(*report);
}

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
  std::cout << "template: at " << (*session)->installed->versions << "\n" << std::flush;
  int failed = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::cout << "upgrading " << names[i] << " (" << i + 1 << "/" << names.size() << ")... "
              << std::flush;
    auto outcome = UpgradeOne(**session, names[i]);
    if (outcome) {
      std::cout << *outcome << "\n" << std::flush;
    } else {
      ++failed;
      std::cout << "FAILED: " << outcome.error().message << "\n" << std::flush;
    }
  }
  if (failed > 0) {
    std::cerr << "citadel: " << failed << " of " << names.size()
              << (names.size() == 1 ? " tenant" : " tenants")
              << " failed to upgrade (nothing of theirs changed); fix them and run the command "
                 "again\n";
    return 1;
  }
  std::cout << names.size() << (names.size() == 1 ? " tenant" : " tenants") << " at the installed versions\n";
  return 0;
}

}  // namespace citadel::cli
