// citadel: the one program. Parses the command line and runs a subcommand.
#include <string>
#include <variant>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace citadel::cli;
  std::vector<std::string> args(argv, argv + argc);
  ParsedCommandLine parsed = ParseCommandLine(args);
  if (!parsed.command) return parsed.exit_code;
  return std::visit(Overloaded{
                        [](const ServeCommand& c) { return RunServe(c); },
                        [](const TenantCreateCommand& c) { return RunTenantCreate(c); },
                        [](const TenantListCommand& c) { return RunTenantList(c); },
                        [](const TenantInfoCommand& c) { return RunTenantInfo(c); },
                        [](const TenantSetPlanCommand& c) { return RunTenantSetPlan(c); },
                        [](const TenantDropCommand& c) { return RunTenantDrop(c); },
                        [](const TenantUpgradeCommand& c) { return RunTenantUpgrade(c); },
                        [](const SecurityBlocksCommand& c) { return RunSecurityBlocks(c); },
                        [](const SecurityUnblockCommand& c) { return RunSecurityUnblock(c); },
                        [](const SiteAddCommand& c) { return RunSiteAdd(c); },
                        [](const SiteListCommand& c) { return RunSiteList(c); },
                        [](const SiteCheckCommand& c) { return RunSiteCheck(c); },
                        [](const SiteRemoveCommand& c) { return RunSiteRemove(c); },
                        [](const SitePolicyCommand& c) { return RunSitePolicy(c); },
                        [](const BackupCreateCommand& c) { return RunBackupCreate(c); },
                        [](const BackupListCommand& c) { return RunBackupList(c); },
                        [](const BackupVerifyCommand& c) { return RunBackupVerify(c); },
                        [](const BackupDownloadCommand& c) { return RunBackupDownload(c); },
                        [](const BackupStatusCommand& c) { return RunBackupStatus(c); },
                        [](const BackupRebuildCatalogCommand& c) { return RunBackupRebuildCatalog(c); },
                        [](const BackupRestoreCommand& c) { return RunBackupRestore(c); },
                        [](const KeysInitCommand& c) { return RunKeysInit(c); },
                        [](const KeysRotateCommand& c) { return RunKeysRotate(c); },
                        [](const ClusterInitCommand& c) { return RunClusterInit(c); },
                        [](const ClusterRunCommand& c) { return RunClusterRun(c); },
                        [](const ClusterStatusCommand& c) { return RunClusterStatus(c); },
                        [](const StaffCommand& c) {
                          switch (c.action) {
                            case StaffCommand::Action::kAdd: return RunStaffAdd(c);
                            case StaffCommand::Action::kDisable: return RunStaffDisable(c);
                            case StaffCommand::Action::kList: break;
                          }
                          return RunStaffList(c);
                        },
                        [](const ClusterSwitchoverCommand& c) { return RunClusterSwitchover(c); },
                        [](const DrRebuildCommand& c) { return RunDrRebuild(c); },
                    },
                    *parsed.command);
}
