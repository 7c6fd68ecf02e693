#include "cli/command_line.hpp"

#include <gtest/gtest.h>

namespace citadel::cli {
namespace {

ParsedCommandLine Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "citadel");
  return ParseCommandLine(args);
}

TEST(CommandLineTest, ServeTakesItsFlags) {
  auto parsed = Parse({"serve", "--data-dir", "/tmp/x", "--https-port", "9443", "--http-port", "0",
                       "--listen", "127.0.0.2", "--pg-dsn", "host=/tmp"});
  ASSERT_TRUE(parsed.command);
  auto& serve = std::get<ServeCommand>(*parsed.command);
  EXPECT_EQ(serve.common.data_dir, "/tmp/x");
  EXPECT_EQ(serve.https_port, 9443);
  EXPECT_EQ(serve.http_port, 0);
  EXPECT_EQ(serve.listen, "127.0.0.2");
  EXPECT_EQ(serve.common.pg_dsn, "host=/tmp");
  EXPECT_FALSE(serve.metrics_port);
}

TEST(CommandLineTest, TenantSubcommands) {
  auto create = Parse({"tenant", "create", "acme", "--admin-login", "boss"});
  ASSERT_TRUE(create.command);
  EXPECT_EQ(std::get<TenantCreateCommand>(*create.command).name, "acme");
  EXPECT_EQ(std::get<TenantCreateCommand>(*create.command).admin_login, "boss");
  auto list = Parse({"tenant", "list", "--json"});
  EXPECT_TRUE(std::get<TenantListCommand>(*list.command).json);
  auto drop = Parse({"tenant", "drop", "acme", "--yes"});
  EXPECT_TRUE(std::get<TenantDropCommand>(*drop.command).yes);
}

TEST(CommandLineTest, TenantSetPlanAndBackupRebuildCatalog) {
  auto plan = Parse({"tenant", "set-plan", "acme", "gold"});
  ASSERT_TRUE(plan.command);
  EXPECT_EQ(std::get<TenantSetPlanCommand>(*plan.command).name, "acme");
  EXPECT_EQ(std::get<TenantSetPlanCommand>(*plan.command).plan, "gold");
  EXPECT_EQ(Parse({"tenant", "set-plan", "acme"}).exit_code, 2);  // the plan is required
  EXPECT_FALSE(Parse({"tenant", "set-plan", "acme"}).command);
  auto rebuild = Parse({"backup", "rebuild-catalog", "--json"});
  ASSERT_TRUE(rebuild.command);
  EXPECT_TRUE(std::get<BackupRebuildCatalogCommand>(*rebuild.command).json);
  EXPECT_EQ(Parse({"backup", "rebuild-catalog", "demo"}).exit_code, 2);  // takes no tenant
}

TEST(CommandLineTest, UsageErrorsExitTwo) {
  for (auto args : std::vector<std::vector<std::string>>{
           {}, {"bogus"}, {"serve", "--https-port", "0"}, {"serve", "--https-port", "x"},
           {"serve", "--unknown"}, {"tenant"}, {"tenant", "create"}, {"tenant", "drop", "a", "b"},
           {"serve", "--log-level", "loud"}}) {
    auto parsed = Parse(args);
    EXPECT_FALSE(parsed.command);
    EXPECT_EQ(parsed.exit_code, 2) << testing::PrintToString(args);
  }
}

TEST(CommandLineTest, HelpAndVersionExitZero) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--help"}, {"serve", "--help"}, {"tenant", "create", "--help"}, {"--version"}}) {
    testing::internal::CaptureStdout();
    auto parsed = Parse(args);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_FALSE(parsed.command);
    EXPECT_EQ(parsed.exit_code, 0);
    EXPECT_FALSE(out.empty());
  }
}

TEST(CommandLineTest, ClusterCommandsParseAndInitNeedsHa) {
  auto status = Parse({"cluster", "status", "--json", "--data-dir", "/srv/c"});
  ASSERT_TRUE(status.command);
  ASSERT_TRUE(std::holds_alternative<ClusterStatusCommand>(*status.command));
  EXPECT_TRUE(std::get<ClusterStatusCommand>(*status.command).json);
  EXPECT_EQ(std::get<ClusterStatusCommand>(*status.command).common.data_dir, "/srv/c");
  auto init = Parse({"cluster", "init", "--ha"});
  ASSERT_TRUE(init.command);
  EXPECT_TRUE(std::get<ClusterInitCommand>(*init.command).ha);
  auto run = Parse({"cluster", "run"});
  ASSERT_TRUE(run.command);
  EXPECT_TRUE(std::holds_alternative<ClusterRunCommand>(*run.command));
  for (auto args : std::vector<std::vector<std::string>>{{"cluster"}, {"cluster", "init"}, {"cluster", "promote"}}) {
    testing::internal::CaptureStderr();
    auto parsed = Parse(args);
    testing::internal::GetCapturedStderr();
    EXPECT_FALSE(parsed.command);
    EXPECT_EQ(parsed.exit_code, 2) << testing::PrintToString(args);
  }
}

TEST(CommandLineTest, SwitchoverAndDrRebuildParse) {
  auto switchover = Parse({"cluster", "switchover", "--to", "member-1", "--drain-timeout", "30"});
  ASSERT_TRUE(switchover.command);
  auto& s = std::get<ClusterSwitchoverCommand>(*switchover.command);
  EXPECT_EQ(s.to, "member-1");
  EXPECT_EQ(s.drain_timeout_seconds, 30);
  EXPECT_EQ(std::get<ClusterSwitchoverCommand>(*Parse({"cluster", "switchover"}).command).drain_timeout_seconds, 10);
  auto rebuild = Parse({"dr", "rebuild", "--from", "repo2"});
  ASSERT_TRUE(rebuild.command);
  EXPECT_EQ(std::get<DrRebuildCommand>(*rebuild.command).from, "repo2");
  // A drain timeout out of bounds, and a rebuild without --from, are usage errors.
  for (auto args : std::vector<std::vector<std::string>>{
           {"cluster", "switchover", "--drain-timeout", "0"}, {"cluster", "switchover", "--drain-timeout", "301"},
           {"dr", "rebuild"}, {"dr"}}) {
    testing::internal::CaptureStderr();
    auto parsed = Parse(args);
    testing::internal::GetCapturedStderr();
    EXPECT_FALSE(parsed.command);
    EXPECT_EQ(parsed.exit_code, 2) << testing::PrintToString(args);
  }
}

TEST(CommandLineTest, BackupRestoreTakesExactlyOneOfAsAndOntoLive) {
  auto beside = Parse({"backup", "restore", "20261203t065823z-62ece2", "--as", "copy"});
  ASSERT_TRUE(beside.command);
  auto& b = std::get<BackupRestoreCommand>(*beside.command);
  EXPECT_EQ(b.backup_id, "20261203t065823z-62ece2");
  EXPECT_EQ(b.as, "copy");
  EXPECT_TRUE(b.tenant.empty());
  EXPECT_FALSE(b.onto_live);
  auto live = Parse({"backup", "restore", "acme", "20261203t065823z-62ece2", "--onto-live", "--json"});
  ASSERT_TRUE(live.command);
  auto& l = std::get<BackupRestoreCommand>(*live.command);
  EXPECT_EQ(l.tenant, "acme");
  EXPECT_EQ(l.backup_id, "20261203t065823z-62ece2");
  EXPECT_TRUE(l.onto_live);
  EXPECT_TRUE(l.json);
  for (auto args : std::vector<std::vector<std::string>>{
           {"backup", "restore", "id"},                                   // neither
           {"backup", "restore", "acme", "id", "--as", "x", "--onto-live"},  // both
           {"backup", "restore", "id", "--onto-live"},                    // whose live database?
           {"backup", "restore", "a", "b", "c", "--as", "x"}}) {          // too many
    auto parsed = Parse(args);
    EXPECT_FALSE(parsed.command) << args.size();
    EXPECT_EQ(parsed.exit_code, 2);
  }
  auto rotate = Parse({"keys", "rotate", "--new-key-file", "/secure/next.key", "--json"});
  ASSERT_TRUE(rotate.command);
  EXPECT_EQ(std::get<KeysRotateCommand>(*rotate.command).new_key_file, "/secure/next.key");
}

}  // namespace
}  // namespace citadel::cli
