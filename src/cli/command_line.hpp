// The `citadel` command line: subcommands, their options, and what a parse
// produces. Parsing is separate from running so that usage errors (exit 2) are
// told apart from failures of the work itself (exit 1), and so it is testable.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace citadel::cli {

// Options every subcommand shares.
struct CommonOptions {
  std::string data_dir;     // empty: core::DefaultDataDir()
  std::string config_file;  // empty: none
  std::string pg_dsn;       // empty: the embedded cluster
  std::string log_level;    // empty: the config's
};

struct ServeCommand {
  CommonOptions common;
  std::optional<std::string> listen;
  std::optional<int> https_port;
  std::optional<int> http_port;
  std::optional<int> metrics_port;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
};

struct TenantCreateCommand {
  CommonOptions common;
  std::string name;
  std::string admin_login = "admin";
  std::string admin_password_file;  // empty: generate and print one
};

struct TenantListCommand {
  CommonOptions common;
  bool json = false;
};

struct TenantInfoCommand {
  CommonOptions common;
  std::string name;
  bool json = false;
};

// `tenant set-plan NAME PLAN`: PLAN from [backup.plan.PLAN], or "default".
struct TenantSetPlanCommand {
  CommonOptions common;
  std::string name;
  std::string plan;
};

struct TenantDropCommand {
  CommonOptions common;
  std::string name;
  bool yes = false;
  std::string final_backup;  // a path: one last backup, exported there as .tar first
};

// Exactly one of `name` and `all`.
struct TenantUpgradeCommand {
  CommonOptions common;
  std::string name;
  bool all = false;
};

// citadel security blocks: the sources blocked at the edge now.
struct SecurityBlocksCommand {
  CommonOptions common;
  bool json = false;
};

// citadel security unblock IP: lifts one source's block.
struct SecurityUnblockCommand {
  CommonOptions common;
  std::string source;
};

// citadel site add NAME --region R (--dir PATH | --sftp USER@HOST[:PORT]/ROOT
// --host-key KEY --private-key PATH): a place backups are kept.
struct SiteAddCommand {
  CommonOptions common;
  std::string name;
  std::string region;
  std::string dir;
  std::string sftp;
  std::string host_key;
  std::string private_key;
};

// citadel site list | check [NAME] | remove NAME | policy.
struct SiteListCommand {
  CommonOptions common;
  bool json = false;
};
struct SiteCheckCommand {
  CommonOptions common;
  std::string name;  // empty: every site
  bool json = false;
};
struct SiteRemoveCommand {
  CommonOptions common;
  std::string name;
  bool forget_copies = false;
};
// Without options, shows the policy; with them, sets it (a value below the
// default needs --reason, which is recorded and shown).
struct SitePolicyCommand {
  CommonOptions common;
  std::optional<int> min_sites;
  std::optional<int> min_regions;
  std::string reason;
  bool json = false;
};

// citadel backup create|list TENANT, citadel backup verify BACKUP_ID.
struct BackupCreateCommand {
  CommonOptions common;
  std::string tenant;
  bool json = false;
};
struct BackupListCommand {
  CommonOptions common;
  std::string tenant;
  bool json = false;
};
// citadel backup status: every live tenant's newest and newest verified
// backup; exits 1 when one's newest verified backup is older than 26 hours.
struct BackupStatusCommand {
  CommonOptions common;
  bool json = false;
};
// citadel backup rebuild-catalog: the backups' records re-created from the sites.
struct BackupRebuildCatalogCommand {
  CommonOptions common;
  bool json = false;
};
// citadel backup restore [TENANT] BACKUP_ID --as NEW_TENANT: restore beside;
// citadel backup restore TENANT BACKUP_ID --onto-live: replace the live data.
// Exactly one of --as and --onto-live. A TENANT given must be the backup's.
struct BackupRestoreCommand {
  CommonOptions common;
  std::vector<std::string> positionals;  // as parsed: [TENANT] BACKUP_ID
  std::string tenant;                    // empty when not given
  std::string backup_id;
  std::string as;
  bool onto_live = false;
  bool json = false;
};
struct BackupDownloadCommand {
  CommonOptions common;
  std::string backup_id;
  std::string output;
};
struct BackupVerifyCommand {
  CommonOptions common;
  std::string backup_id;
  bool json = false;
};

// citadel keys init: creates the master key file (never replaces one).
struct KeysInitCommand {
  CommonOptions common;
};
// citadel keys rotate [--new-key-file PATH]: a new master key, every tenant
// key re-wrapped here and on every site (backup/master_key_rotation.hpp).
struct KeysRotateCommand {
  CommonOptions common;
  std::string new_key_file;  // empty: <master key file>.next
  bool json = false;
};

// citadel cluster init --ha | run | status [--json]: the high-availability
// cluster (docs/ha.md).
struct ClusterInitCommand {
  CommonOptions common;
  bool ha = false;
};
struct ClusterRunCommand {
  CommonOptions common;
};
struct ClusterStatusCommand {
  CommonOptions common;
  bool json = false;
};
struct DrRebuildCommand {
  CommonOptions common;
  std::string from;  // repo1 | repo2
};
struct ClusterSwitchoverCommand {
  CommonOptions common;
  std::string to;              // empty: the synchronous standby
  int drain_timeout_seconds = 10;
};

// citadel staff add LOGIN | list [--json] | disable LOGIN: support staff
// accounts (platform/staff_accounts.hpp); add reads the password from stdin.
struct StaffCommand {
  enum class Action { kAdd, kList, kDisable };
  Action action = Action::kList;
  CommonOptions common;
  std::string login;
  bool json = false;
};

using Command = std::variant<ServeCommand, TenantCreateCommand, TenantListCommand,
                             TenantInfoCommand, TenantDropCommand, TenantUpgradeCommand, TenantSetPlanCommand,
                             SecurityBlocksCommand, SecurityUnblockCommand, SiteAddCommand,
                             SiteListCommand, SiteCheckCommand, SiteRemoveCommand,
                             SitePolicyCommand, BackupCreateCommand, BackupListCommand,
                             BackupVerifyCommand, BackupDownloadCommand, BackupStatusCommand, BackupRestoreCommand, BackupRebuildCatalogCommand,
                             KeysInitCommand, KeysRotateCommand, ClusterInitCommand, ClusterRunCommand, StaffCommand,
                             ClusterStatusCommand, ClusterSwitchoverCommand, DrRebuildCommand>;

// Either a command to run, or an exit code to leave with at once (0 after
// --help or --version, 2 after a usage error, whose message was printed).
struct ParsedCommandLine {
  std::optional<Command> command;
  int exit_code = 0;
};

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args);

}  // namespace citadel::cli
