#include "cli/command_line.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace citadel::cli {
namespace {

constexpr const char* kVersion = "citadel 0.1.0";

void AddCommonOptions(CLI::App& app, CommonOptions& common) {
  app.add_option("--data-dir", common.data_dir,
                 "Data directory (default: $CITADEL_DATA_DIR, else /var/lib/citadel as root, "
                 "else ~/.local/share/citadel)");
  app.add_option("--config", common.config_file, "TOML configuration file (see docs/config.md)")
      ->check(CLI::ExistingFile);
  app.add_option("--pg-dsn", common.pg_dsn,
                 "External PostgreSQL cluster (a superuser or CREATEROLE+CREATEDB connection "
                 "string) instead of the embedded one");
  app.add_option("--log-level", common.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
}

// CLI11 rejects a value starting with '-' for a positional; tenant names never do.
void AddTenantName(CLI::App& app, std::string& name) {
  app.add_option("NAME", name, "Tenant name: lowercase letters, digits and '-', 1 to 63 characters")
      ->required();
}

}  // namespace

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args) {
  CLI::App app{"Citadel: a secure, multi-tenant ERP server and the platform that hosts it.",
               "citadel"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  app.fallthrough(false);

  ServeCommand serve;
  auto* serve_app = app.add_subcommand(
      "serve",
      "Run the server: HTTPS on --https-port, a redirecting HTTP listener on --http-port, and, "
      "without --pg-dsn, an embedded PostgreSQL under the data directory. Stops cleanly on "
      "SIGINT or SIGTERM; SIGHUP reloads the TLS certificate.");
  AddCommonOptions(*serve_app, serve.common);
  serve_app->add_option("--listen", serve.listen, "Address to listen on (default 127.0.0.1)");
  serve_app->add_option("--https-port", serve.https_port, "HTTPS port (default 8443)")
      ->check(CLI::Range(1, 65535));
  serve_app->add_option("--http-port", serve.http_port,
                        "Plain HTTP port that only redirects to HTTPS (default 8080; 0 disables)")
      ->check(CLI::Range(0, 65535));
  serve_app->add_option("--metrics-port", serve.metrics_port,
                        "Loopback-only Prometheus /metrics port (default 9464; 0 disables)")
      ->check(CLI::Range(0, 65535));
  serve_app->add_option("--tls-cert", serve.tls_cert,
                        "PEM certificate chain (default: one from the local CA)")
      ->check(CLI::ExistingFile);
  serve_app->add_option("--tls-key", serve.tls_key, "PEM private key for --tls-cert")
      ->check(CLI::ExistingFile);

  auto* tenant_app = app.add_subcommand("tenant", "Create, list, inspect, upgrade and drop tenants");
  tenant_app->require_subcommand(1);

  TenantCreateCommand create;
  auto* create_app = tenant_app->add_subcommand(
      "create", "Create a tenant: its own database and role, cloned from the template");
  AddCommonOptions(*create_app, create.common);
  AddTenantName(*create_app, create.name);
  create_app->add_option("--admin-login", create.admin_login,
                         "Login of the tenant's first administrator (default admin)");
  create_app->add_option("--admin-password-file", create.admin_password_file,
                         "File holding the administrator's password (default: generate one and "
                         "print it once)")
      ->check(CLI::ExistingFile);

  TenantListCommand list;
  auto* list_app = tenant_app->add_subcommand("list", "List live tenants");
  AddCommonOptions(*list_app, list.common);
  list_app->add_flag("--json", list.json, "Print JSON instead of a table");

  TenantInfoCommand info;
  auto* info_app = tenant_app->add_subcommand("info", "Show one tenant");
  AddCommonOptions(*info_app, info.common);
  AddTenantName(*info_app, info.name);
  info_app->add_flag("--json", info.json, "Print JSON");

  TenantSetPlanCommand set_plan;
  auto* set_plan_app = tenant_app->add_subcommand(
      "set-plan", "Set the tenant's plan: the retention of its backups ([backup.plan.PLAN], or default)");
  AddCommonOptions(*set_plan_app, set_plan.common);
  AddTenantName(*set_plan_app, set_plan.name);
  set_plan_app->add_option("plan", set_plan.plan, "A plan of the configuration, or default")->required();

  TenantDropCommand drop;
  auto* drop_app = tenant_app->add_subcommand(
      "drop", "Drop a tenant: ends its connections, drops its database and role, records the drop");
  AddCommonOptions(*drop_app, drop.common);
  AddTenantName(*drop_app, drop.name);
  drop_app->add_flag("--yes", drop.yes, "Confirm without asking (required without a terminal)");
  drop_app->add_option("--final-backup", drop.final_backup,
                       "Take one last backup and write it, decrypted, as a .tar to this path before the "
                       "drop (the drop destroys the tenant's key: its backups can never be read again)");

  TenantUpgradeCommand upgrade;
  auto* upgrade_app = tenant_app->add_subcommand(
      "upgrade",
      "Bring tenants' schema and data to the installed modules' versions (the template first), "
      "one tenant per transaction; a tenant already there is left alone. Prints each tenant's "
      "schema warnings. Exits 1 if any tenant failed (the others are still upgraded), 3 if "
      "none failed but one is INCOMPLETE (upgraded, but its data refused a schema step such as "
      "a unique constraint: fix the data and run it again)");
  AddCommonOptions(*upgrade_app, upgrade.common);
  auto* upgrade_name =
      upgrade_app->add_option("NAME", upgrade.name, "The tenant to upgrade (or --all)");
  upgrade_app->add_flag("--all", upgrade.all, "Upgrade every live tenant")->excludes(upgrade_name);

  auto* security_app = app.add_subcommand(
      "security", "See and lift the edge's blocks of sources with too many failed sign-ins");
  security_app->require_subcommand(1);
  SecurityBlocksCommand blocks;
  auto* blocks_app = security_app->add_subcommand(
      "blocks", "List the sources blocked now, across all tenants, with when each block ends");
  AddCommonOptions(*blocks_app, blocks.common);
  blocks_app->add_flag("--json", blocks.json, "Print JSON instead of a table");
  SecurityUnblockCommand unblock;
  auto* unblock_app = security_app->add_subcommand(
      "unblock", "Lift the block of one source now (every server within 2 s); its history stays, "
                 "so a next block lasts longer. Exits 1 if it was not blocked");
  AddCommonOptions(*unblock_app, unblock.common);
  unblock_app->add_option("IP", unblock.source, "The blocked address (IPv4 or IPv6)")->required();

  auto* site_app = app.add_subcommand(
      "site", "Configure where tenant backups are kept: local directories and SFTP servers, "
              "each with a region (default policy: at least 3 sites in 2 regions)");
  site_app->require_subcommand(1);
  SiteAddCommand site_add;
  auto* site_add_app = site_app->add_subcommand(
      "add", "Add a backup site; it is checked (written, read back, removed) before it is stored");
  AddCommonOptions(*site_add_app, site_add.common);
  site_add_app->add_option("NAME", site_add.name, "Site name: 1 to 40 of [a-z0-9_-]")->required();
  site_add_app->add_option("--region", site_add.region, "Region label, e.g. eu-west (sites in one region "
                                                        "share a failure domain)")->required();
  auto* dir_option = site_add_app->add_option("--dir", site_add.dir, "A local directory (absolute path)");
  auto* sftp_option = site_add_app->add_option("--sftp", site_add.sftp, "An SFTP server: USER@HOST[:PORT]/ROOT");
  dir_option->excludes(sftp_option);
  site_add_app->add_option("--host-key", site_add.host_key,
                           "SFTP: the server's public host key to pin, as in known_hosts "
                           "('ssh-ed25519 AAAA...'); get it from the server's administrator");
  site_add_app->add_option("--private-key", site_add.private_key, "SFTP: the client key file (absolute path)");
  SiteListCommand site_list;
  auto* site_list_app = site_app->add_subcommand("list", "List the backup sites and the placement policy");
  AddCommonOptions(*site_list_app, site_list.common);
  site_list_app->add_flag("--json", site_list.json, "Print JSON instead of a table");
  SiteCheckCommand site_check;
  auto* site_check_app = site_app->add_subcommand(
      "check", "Check that sites are reachable and writable (a probe file is written, read back and "
               "removed), with free space and round trip. Exits 1 if any is not");
  AddCommonOptions(*site_check_app, site_check.common);
  site_check_app->add_option("NAME", site_check.name, "One site (default: all)");
  site_check_app->add_flag("--json", site_check.json, "Print JSON instead of a table");
  SiteRemoveCommand site_remove;
  auto* site_remove_app = site_app->add_subcommand(
      "remove", "Remove a backup site from the configuration (its files are left where they are)");
  AddCommonOptions(*site_remove_app, site_remove.common);
  site_remove_app->add_option("NAME", site_remove.name, "The site")->required();
  site_remove_app->add_flag("--forget-copies", site_remove.forget_copies,
                            "Remove it even though the catalog records backup copies on it");
  SitePolicyCommand site_policy;
  auto* site_policy_app = site_app->add_subcommand(
      "policy", "Show or set how many sites and regions every backup needs");
  AddCommonOptions(*site_policy_app, site_policy.common);
  site_policy_app->add_option("--min-sites", site_policy.min_sites, "Sites every backup is copied to")
      ->check(CLI::Range(1, 20));
  site_policy_app->add_option("--min-regions", site_policy.min_regions, "Distinct regions among them")
      ->check(CLI::Range(1, 20));
  site_policy_app->add_option("--reason", site_policy.reason,
                              "Why the default (3 sites, 2 regions) is lowered; shown by `citadel status`");
  site_policy_app->add_flag("--json", site_policy.json, "Print JSON");

  auto* backup_app = app.add_subcommand(
      "backup", "Encrypted backups of tenants: create, list and verify (restore into a scratch "
                "database and compare with the manifest)");
  backup_app->require_subcommand(1);
  BackupCreateCommand backup_create;
  auto* backup_create_app = backup_app->add_subcommand(
      "create", "Back a tenant up now, to every site; progress on stderr");
  AddCommonOptions(*backup_create_app, backup_create.common);
  AddTenantName(*backup_create_app, backup_create.tenant);
  backup_create_app->add_flag("--json", backup_create.json, "Print the backup as JSON");
  BackupListCommand backup_list;
  auto* backup_list_app = backup_app->add_subcommand("list", "List a tenant's backups, newest first");
  AddCommonOptions(*backup_list_app, backup_list.common);
  AddTenantName(*backup_list_app, backup_list.tenant);
  backup_list_app->add_flag("--json", backup_list.json, "Print JSON instead of a table");
  BackupVerifyCommand backup_verify;
  auto* backup_verify_app = backup_app->add_subcommand(
      "verify", "Restore a backup into a scratch database and compare every table's row count and "
                "checksum with its manifest. Exits 1 if they differ");
  AddCommonOptions(*backup_verify_app, backup_verify.common);
  backup_verify_app->add_option("BACKUP_ID", backup_verify.backup_id, "As `citadel backup list` shows it")
      ->required();
  backup_verify_app->add_flag("--json", backup_verify.json, "Print the outcome as JSON");

  BackupDownloadCommand backup_download;
  auto* backup_download_app = backup_app->add_subcommand(
      "download", "Write a backup, decrypted, as a plain .tar (the pg_dump custom-format dump, the file "
                  "store, the manifest) to a file; the file appears only when complete");
  AddCommonOptions(*backup_download_app, backup_download.common);
  backup_download_app->add_option("BACKUP_ID", backup_download.backup_id, "As `citadel backup list` shows it")
      ->required();
  backup_download_app->add_option("--output,-o", backup_download.output, "The .tar file to write (never overwritten)")
      ->required();

  BackupRestoreCommand backup_restore;
  auto* backup_restore_app = backup_app->add_subcommand(
      "restore",
      "Restore a backup, checked table by table against its manifest. Exactly one of:\n"
      "  --as NEW        beside: a new tenant NEW made from the backup (database and file store);\n"
      "                  the backup's tenant is not touched. `restore [TENANT] BACKUP_ID --as NEW`\n"
      "  --onto-live     onto the live database: TENANT's database and file store are REPLACED by\n"
      "                  the backup's, after a safety backup of the live data (its id is printed;\n"
      "                  restore it the same way to go back). Writes made after the safety backup\n"
      "                  began are lost; every web session of the tenant ends. Refused while another\n"
      "                  restore of TENANT runs, and for another tenant's backup.\n"
      "                  `restore TENANT BACKUP_ID --onto-live`");
  AddCommonOptions(*backup_restore_app, backup_restore.common);
  backup_restore_app->add_option("ARGS", backup_restore.positionals, "[TENANT] BACKUP_ID, as `citadel backup list` shows it")
      ->required()
      ->expected(1, 2);
  auto* restore_as = backup_restore_app->add_option("--as", backup_restore.as, "Restore beside, as this new tenant");
  auto* restore_live =
      backup_restore_app->add_flag("--onto-live", backup_restore.onto_live, "Replace TENANT's live database");
  restore_as->excludes(restore_live);
  backup_restore_app->add_flag("--json", backup_restore.json, "Print the outcome as JSON");

  BackupStatusCommand backup_status;
  auto* backup_status_app = backup_app->add_subcommand(
      "status", "Every tenant's newest backup and newest restore-verified backup, with the sites "
                "holding it and the placement policy. Exits 1 if a tenant's newest verified backup "
                "is older than 26 hours, or the sites do not meet the policy");
  AddCommonOptions(*backup_status_app, backup_status.common);
  backup_status_app->add_flag("--json", backup_status.json, "Print JSON instead of a table");

  BackupRebuildCatalogCommand backup_rebuild;
  auto* backup_rebuild_app = backup_app->add_subcommand(
      "rebuild-catalog", "Re-create the catalog's record of backups from the files on every site (add the "
                         "sites again first); each backup is decrypted once and every copy hashed");
  AddCommonOptions(*backup_rebuild_app, backup_rebuild.common);
  backup_rebuild_app->add_flag("--json", backup_rebuild.json, "Print the outcome as JSON");

  auto* keys_app = app.add_subcommand("keys", "The master key that protects every tenant key: init, rotate");
  keys_app->require_subcommand(1);
  KeysInitCommand keys_init;
  auto* keys_init_app = keys_app->add_subcommand(
      "init", "Create the master key file (<data dir>/master.key, mode 0600); never replaces one. "
              "Keep a copy off this machine: without it no backup can be read");
  AddCommonOptions(*keys_init_app, keys_init.common);
  KeysRotateCommand keys_rotate;
  auto* keys_rotate_app = keys_app->add_subcommand(
      "rotate",
      "A new master key: every tenant key re-wrapped by it, here and on every site; no backup is touched. "
      "The new key is staged 0600 (beside the old one, or at --new-key-file) and replaces the old key file "
      "only once every site holds the re-wrapped keys. A site that is down stops it before anything here "
      "changes: run it again when the site is back, it resumes with the staged key. Running servers read "
      "the new key by themselves; keep a copy of it off this machine");
  AddCommonOptions(*keys_rotate_app, keys_rotate.common);
  keys_rotate_app->add_option("--new-key-file", keys_rotate.new_key_file,
                              "Where to stage the new key (default: the master key file + .next)");
  keys_rotate_app->add_flag("--json", keys_rotate.json, "Print the outcome as JSON");

  auto* cluster_app = app.add_subcommand(
      "cluster", "A high-availability PostgreSQL cluster: a Patroni-managed primary and streaming "
                 "standbys with etcd, on this machine's loopback or the configured address (docs/ha.md)");
  cluster_app->require_subcommand(1);
  ClusterInitCommand cluster_init;
  auto* cluster_init_app = cluster_app->add_subcommand(
      "init", "Write the cluster's configuration under <data dir>/ha from the config's [cluster] "
              "section: etcd's, each member's Patroni file, and generated superuser and replication "
              "passwords (0600). Running it again keeps the passwords");
  AddCommonOptions(*cluster_init_app, cluster_init.common);
  cluster_init_app->add_flag("--ha", cluster_init.ha, "A primary plus streaming standbys under Patroni")
      ->required();
  ClusterRunCommand cluster_run;
  auto* cluster_run_app = cluster_app->add_subcommand(
      "run", "Start etcd and every member's Patroni (which starts its PostgreSQL) as the service user, "
             "and supervise them until SIGINT or SIGTERM, which stops them all");
  AddCommonOptions(*cluster_run_app, cluster_run.common);
  ClusterStatusCommand cluster_status;
  auto* cluster_status_app = cluster_app->add_subcommand(
      "status", "Members, roles, state, timeline, lag in bytes and seconds, streaming and sync state. "
                "Exits 1 if the cluster has no leader");
  AddCommonOptions(*cluster_status_app, cluster_status.common);
  cluster_status_app->add_flag("--json", cluster_status.json, "Print JSON instead of a table");
  ClusterSwitchoverCommand cluster_switchover;
  auto* cluster_switchover_app = cluster_app->add_subcommand(
      "switchover", "A planned switch of the primary that clients do not see fail: the `citadel serve` of "
                    "this data directory pauses new transactions and drains its connections, Patroni "
                    "switches, the server resumes on the new primary");
  AddCommonOptions(*cluster_switchover_app, cluster_switchover.common);
  cluster_switchover_app->add_option("--to", cluster_switchover.to,
                                     "The member to promote (default: the synchronous standby)");
  cluster_switchover_app
      ->add_option("--drain-timeout", cluster_switchover.drain_timeout_seconds,
                   "Seconds to wait for the server's transactions to finish; none switched after")
      ->check(CLI::Range(1, 300));

  auto* dr_app = app.add_subcommand(
      "dr", "Disaster recovery of the high-availability cluster from its pgBackRest repositories (docs/ha.md)");
  dr_app->require_subcommand(1);
  DrRebuildCommand dr_rebuild;
  auto* dr_rebuild_app = dr_app->add_subcommand(
      "rebuild", "Provision the cluster on a new site (empty member directories) from a repository: "
                 "restore its newest backup, replay the archived WAL to its end, then run the cluster "
                 "as `cluster run` does. Needs the lost site's <data dir>/ha/credentials.json");
  AddCommonOptions(*dr_rebuild_app, dr_rebuild.common);
  dr_rebuild_app->add_option("--from", dr_rebuild.from, "repo1 or repo2")->required();

  auto* staff_app = app.add_subcommand(
      "staff", "Support staff accounts: they enter a tenant only under a grant its admin opened, with "
               "password and TOTP, and everything they do is audited (docs/support_access.md)");
  staff_app->require_subcommand(1);
  StaffCommand staff_add;
  staff_add.action = StaffCommand::Action::kAdd;
  auto* staff_add_app = staff_app->add_subcommand(
      "add", "Add a staff account; the password is read from standard input (one line, 12 characters or "
             "more), and the TOTP secret is printed once, as an otpauth URI and as base32");
  AddCommonOptions(*staff_add_app, staff_add.common);
  staff_add_app->add_option("LOGIN", staff_add.login, "1 to 64 of a-z, 0-9, '.', '_', '@', '-'")->required();
  StaffCommand staff_list;
  staff_list.action = StaffCommand::Action::kList;
  auto* staff_list_app = staff_app->add_subcommand("list", "List staff accounts (never their secrets)");
  AddCommonOptions(*staff_list_app, staff_list.common);
  staff_list_app->add_flag("--json", staff_list.json, "Print JSON instead of a table");
  StaffCommand staff_disable;
  staff_disable.action = StaffCommand::Action::kDisable;
  auto* staff_disable_app = staff_app->add_subcommand(
      "disable", "Disable a staff account: their sessions and the grants naming them end at once, on every "
                 "server. Exits 1 if there is no such account");
  AddCommonOptions(*staff_disable_app, staff_disable.common);
  staff_disable_app->add_option("LOGIN", staff_disable.login, "The staff login")->required();

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  if (!reversed.empty()) reversed.pop_back();  // the program name
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    CLI::App* target = &app;
    while (!target->get_subcommands().empty()) target = target->get_subcommands().front();
    std::cout << target->help();
    return {std::nullopt, 0};
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return {std::nullopt, 0};
  } catch (const CLI::CallForVersion&) {
    std::cout << kVersion << "\n";
    return {std::nullopt, 0};
  } catch (const CLI::ParseError& e) {
    std::cerr << "citadel: " << e.what() << "\nRun 'citadel --help' for usage.\n";
    return {std::nullopt, 2};
  }

  if (serve_app->parsed()) return {serve, 0};
  if (create_app->parsed()) return {create, 0};
  if (list_app->parsed()) return {list, 0};
  if (info_app->parsed()) return {info, 0};
  if (set_plan_app->parsed()) return {set_plan, 0};
  if (drop_app->parsed()) return {drop, 0};
  if (blocks_app->parsed()) return {blocks, 0};
  if (unblock_app->parsed()) return {unblock, 0};
  if (site_add_app->parsed()) return {site_add, 0};
  if (site_list_app->parsed()) return {site_list, 0};
  if (site_check_app->parsed()) return {site_check, 0};
  if (site_remove_app->parsed()) return {site_remove, 0};
  if (site_policy_app->parsed()) return {site_policy, 0};
  if (backup_create_app->parsed()) return {backup_create, 0};
  if (backup_list_app->parsed()) return {backup_list, 0};
  if (backup_verify_app->parsed()) return {backup_verify, 0};
  if (backup_download_app->parsed()) return {backup_download, 0};
  if (backup_status_app->parsed()) return {backup_status, 0};
  if (backup_rebuild_app->parsed()) return {backup_rebuild, 0};
  if (backup_restore_app->parsed()) {
    auto& r = backup_restore;
    if (r.as.empty() == !r.onto_live) {
      std::cerr << "citadel: backup restore needs exactly one of --as NEW and --onto-live\nRun 'citadel backup "
                   "restore --help' for usage.\n";
      return {std::nullopt, 2};
    }
    if (r.positionals.size() == 2) r.tenant = r.positionals[0];
    r.backup_id = r.positionals.back();
    if (r.onto_live && r.tenant.empty()) {
      std::cerr << "citadel: backup restore --onto-live needs the TENANT whose database it replaces: "
                   "citadel backup restore TENANT BACKUP_ID --onto-live\n";
      return {std::nullopt, 2};
    }
    return {backup_restore, 0};
  }
  if (keys_init_app->parsed()) return {keys_init, 0};
  if (keys_rotate_app->parsed()) return {keys_rotate, 0};
  if (cluster_init_app->parsed()) return {cluster_init, 0};
  if (cluster_run_app->parsed()) return {cluster_run, 0};
  if (cluster_status_app->parsed()) return {cluster_status, 0};
  if (staff_add_app->parsed()) return {staff_add, 0};
  if (staff_list_app->parsed()) return {staff_list, 0};
  if (staff_disable_app->parsed()) return {staff_disable, 0};
  if (cluster_switchover_app->parsed()) return {cluster_switchover, 0};
  if (dr_rebuild_app->parsed()) return {dr_rebuild, 0};
  if (upgrade_app->parsed()) {
    if (upgrade.name.empty() && !upgrade.all) {
      std::cerr << "citadel: tenant upgrade needs a tenant NAME or --all\nRun 'citadel tenant "
                   "upgrade --help' for usage.\n";
      return {std::nullopt, 2};
    }
    return {upgrade, 0};
  }
  std::cerr << "citadel: no command given\nRun 'citadel --help' for usage.\n";
  return {std::nullopt, 2};
}

}  // namespace citadel::cli
