// The subcommands' bodies. Each returns the process exit status: 0 success,
// 1 failure of the work (the message was printed), 2 bad usage or input.
#pragma once

#include "cli/command_line.hpp"
#include "core/result.hpp"

namespace citadel::cli {

int RunServe(const ServeCommand& command);
int RunTenantCreate(const TenantCreateCommand& command);
int RunTenantList(const TenantListCommand& command);
int RunTenantInfo(const TenantInfoCommand& command);
int RunTenantSetPlan(const TenantSetPlanCommand& command);  // tenant_plan_command.cpp
int RunTenantDrop(const TenantDropCommand& command);
int RunTenantUpgrade(const TenantUpgradeCommand& command);
int RunSecurityBlocks(const SecurityBlocksCommand& command);
int RunSecurityUnblock(const SecurityUnblockCommand& command);
int RunSiteAdd(const SiteAddCommand& command);
int RunSiteList(const SiteListCommand& command);
int RunSiteCheck(const SiteCheckCommand& command);
int RunSiteRemove(const SiteRemoveCommand& command);
int RunSitePolicy(const SitePolicyCommand& command);
int RunBackupCreate(const BackupCreateCommand& command);
int RunBackupList(const BackupListCommand& command);
int RunBackupVerify(const BackupVerifyCommand& command);
int RunBackupDownload(const BackupDownloadCommand& command);
int RunBackupStatus(const BackupStatusCommand& command);
int RunBackupRebuildCatalog(const BackupRebuildCatalogCommand& command);  // backup_rebuild_command.cpp
int RunBackupRestore(const BackupRestoreCommand& command);
int RunKeysInit(const KeysInitCommand& command);
int RunKeysRotate(const KeysRotateCommand& command);
int RunClusterInit(const ClusterInitCommand& command);
int RunClusterRun(const ClusterRunCommand& command);
int RunClusterStatus(const ClusterStatusCommand& command);
int RunStaffAdd(const StaffCommand& command);
int RunStaffList(const StaffCommand& command);
int RunStaffDisable(const StaffCommand& command);
int RunClusterSwitchover(const ClusterSwitchoverCommand& command);
int RunDrRebuild(const DrRebuildCommand& command);

// Prints "citadel: <message>" to stderr and returns the exit status for it.
int ReportFailure(const core::Error& error);

}  // namespace citadel::cli
