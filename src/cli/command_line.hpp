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

struct TenantDropCommand {
  CommonOptions common;
  std::string name;
  bool yes = false;
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

using Command = std::variant<ServeCommand, TenantCreateCommand, TenantListCommand,
                             TenantInfoCommand, TenantDropCommand, TenantUpgradeCommand,
                             SecurityBlocksCommand, SecurityUnblockCommand>;

// Either a command to run, or an exit code to leave with at once (0 after
// --help or --version, 2 after a usage error, whose message was printed).
struct ParsedCommandLine {
  std::optional<Command> command;
  int exit_code = 0;
};

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args);

}  // namespace citadel::cli
