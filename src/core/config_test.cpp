#include "core/config.hpp"

#include <gtest/gtest.h>

namespace citadel::core {
namespace {

TEST(ConfigTest, DefaultsAreSafe) {
  ServerConfig c;
  EXPECT_EQ(c.listen, "127.0.0.1");
  EXPECT_EQ(c.https_port, 8443);
  EXPECT_EQ(c.http_port, 8080);
  EXPECT_EQ(c.pbkdf2_rounds, 600'000u);
  EXPECT_GE(c.hsts_max_age_seconds, 180 * 86400);
  EXPECT_TRUE(c.limits.allow.empty());
}

TEST(ConfigTest, ReadsEverySection) {
  auto c = ParseConfigToml(R"(
[server]
https_port = 9443
listen = "0.0.0.0"
[database]
max_connections_per_tenant = 4
workers_running = 3
worker_wait_ms = 5
[limits]
max_body_bytes = 2048
requests_per_second_per_ip = 5.5
allow = ["127.0.0.0/8", "::1"]
trusted_proxies = ["10.0.0.1"]
[limits.route_body_bytes]
"/jsonrpc" = 10485760
)");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->https_port, 9443);
  EXPECT_EQ(c->listen, "0.0.0.0");
  EXPECT_EQ(c->http_port, 8080);  // untouched default
  EXPECT_EQ(c->database.max_connections_per_tenant, 4);
  EXPECT_EQ(c->database.workers_running, 3);
  EXPECT_EQ(c->database.worker_wait_ms, 5);
  EXPECT_EQ(c->limits.max_body_bytes, 2048u);
  EXPECT_DOUBLE_EQ(c->limits.requests_per_second_per_ip, 5.5);
  EXPECT_EQ(c->limits.allow.size(), 2u);
  EXPECT_EQ(c->limits.route_body_bytes.at("/jsonrpc"), 10485760u);
}

TEST(ConfigTest, UnknownKeysAndBadValuesAreErrorsNamingTheKey) {
  auto typo = ParseConfigToml("[limits]\nmax_body_byte = 1\n");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("limits.max_body_byte: unknown setting"), std::string::npos);

  auto range = ParseConfigToml("[server]\nhttps_port = 70000\n");
  ASSERT_FALSE(range);
  EXPECT_NE(range.error().message.find("server.https_port"), std::string::npos);

  auto net = ParseConfigToml("[limits]\nallow = [\"not-a-network\"]\n");
  ASSERT_FALSE(net);
  EXPECT_NE(net.error().message.find("limits.allow"), std::string::npos);

  auto no_wait = ParseConfigToml("[database]\nworker_wait_ms = 0\n");
  ASSERT_FALSE(no_wait) << "a call must wait some time before the pacer hands it over";
  EXPECT_NE(no_wait.error().message.find("database.worker_wait_ms"), std::string::npos);

  auto hsts = ParseConfigToml("[server]\nhsts_max_age_seconds = 60\n");
  EXPECT_FALSE(hsts) << "HSTS below 180 days must be refused";

  auto syntax = ParseConfigToml("[server\n");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message.find("line 1"), std::string::npos);

  EXPECT_FALSE(ParseConfigToml("[nonsense]\nx = 1\n"));
}

}  // namespace
}  // namespace citadel::core

namespace citadel::core {
namespace {

// Regression: a float where an integer belongs (9e43) reached toml++'s
// float-to-integer conversion, undefined behaviour for values out of range.
TEST(ConfigTest, HugeFloatWhereAnIntegerBelongsIsAnError) {
  auto c = ParseConfigToml("[server]\nhttps_port = 9e43\n");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("server.https_port"), std::string::npos);
  EXPECT_FALSE(ParseConfigToml("[limits.route_body_bytes]\n\"/x\" = 1e300\n"));
}

}  // namespace
}  // namespace citadel::core

namespace citadel::core {
namespace {

TEST(ConfigTest, DatabaseListingIsOffUnlessTheOperatorTurnsItOn) {
  EXPECT_FALSE(ServerConfig{}.list_db);
  auto on = ParseConfigToml("[server]\nlist_db = true\n");
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_TRUE(on->list_db);
  auto wrong = ParseConfigToml("[server]\nlist_db = \"yes\"\n");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("server.list_db: expected true or false"), std::string::npos);
}

}  // namespace
}  // namespace citadel::core

namespace citadel::core {
namespace {

TEST(ConfigBackup, ReadsTheScheduleAndRetentionAndRefusesNonsense) {
  auto c = ParseConfigToml(
      "[backup]\nscheduled = false\nwindow_start_hour = 22\nwindow_hours = 6\nkeep_daily = 3\nkeep_weekly = 2\n"
      "keep_monthly = 12\nmaster_key_file = \"/etc/citadel/master.key\"\ncopy_retries = 5\n"
      "copy_retry_delay_ms = 250\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->backup.copy_retries, 5);
  EXPECT_EQ(c->backup.copy_retry_delay_ms, 250);
  EXPECT_FALSE(c->backup.scheduled);
  EXPECT_EQ(c->backup.window_start_hour, 22);
  EXPECT_EQ(c->backup.window_hours, 6);
  EXPECT_EQ(c->backup.keep_monthly, 12);
  EXPECT_EQ(c->backup.master_key_file, "/etc/citadel/master.key");
  auto bad = ParseConfigToml("[backup]\nwindow_start_hour = 24\nkeep_daily = 0\nfrequency = 2\ncopy_retries = 11\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("backup.window_start_hour"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("backup.keep_daily"), std::string::npos);
  EXPECT_NE(bad.error().message.find("backup.frequency: unknown setting"), std::string::npos);
  EXPECT_NE(bad.error().message.find("backup.copy_retries"), std::string::npos);
}

}  // namespace
}  // namespace citadel::core

namespace citadel::core {
namespace {

TEST(ConfigCluster, ReadsTheHaSectionAndRefusesPatroniTimingsThatDemoteAHealthyLeader) {
  auto c = ParseConfigToml(
      "[cluster]\nha = true\nmode = \"asynchronous\"\nmembers = 3\nbase_port = 40000\n"
      "ttl = 10\nloop_wait = 2\nretry_timeout = 4\nname = \"erp-eu\"\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->cluster.ha);
  EXPECT_FALSE(c->cluster.synchronous);
  EXPECT_EQ(c->cluster.members, 3);
  EXPECT_EQ(c->cluster.base_port, 40000);
  EXPECT_EQ(c->cluster.name, "erp-eu");
  EXPECT_TRUE(ParseConfigToml("")->cluster.synchronous);
  auto bad = ParseConfigToml(
      "[cluster]\nmode = \"sync\"\nmembers = 1\nttl = 6\nloop_wait = 2\nretry_timeout = 3\n"
      "name = \"a/b\"\nlisten = \"127.0.0.1' x\"\n");
  ASSERT_FALSE(bad);
  for (const char* key : {"cluster.mode", "cluster.members", "loop_wait + 2 * retry_timeout",
                          "cluster.name", "cluster.listen"}) {
    EXPECT_NE(bad.error().message.find(key), std::string::npos) << key << ": " << bad.error().message;
  }
}

TEST(ConfigTest, ClusterArchivingKeysAndAnInjectedRepositoryPath) {
  auto c = ParseConfigToml(
      "[cluster]\narchive_timeout = 30\narchive_repo2_path = \"/mnt/site-b/citadel\"\n"
      "scheduled_backups = false\nbackup_full_days = 14\nbackup_incremental_hours = 6\n"
      "primary_wait_seconds = 0\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cluster.archive_timeout, 30);
  EXPECT_EQ(c->cluster.archive_repo2_path, "/mnt/site-b/citadel");
  EXPECT_FALSE(c->cluster.scheduled_backups);
  EXPECT_EQ(c->cluster.backup_full_days, 14);
  EXPECT_EQ(c->cluster.backup_incremental_hours, 6);
  EXPECT_EQ(c->cluster.primary_wait_seconds, 0);
  EXPECT_EQ(ParseConfigToml("")->cluster.archive_timeout, 60);
  // The path goes into pgBackRest's INI file: a line break would add options.
  for (const char* path : {"relative/repo", "/srv/repo\\nrepo2-cipher-type=none", "/a=b"}) {
    auto bad = ParseConfigToml(std::string("[cluster]\narchive_repo2_path = \"") + path + "\"\n");
    EXPECT_FALSE(bad) << path;
  }
  EXPECT_FALSE(ParseConfigToml("[cluster]\narchive_timeout = 0\n"));
}

TEST(ConfigTest, ClusterTlsIsOnOffLoopbackAndNeverOffForOtherAddresses) {
  EXPECT_EQ(ParseConfigToml("")->cluster.tls, "auto");
  EXPECT_FALSE(ParseConfigToml("")->cluster.TlsEnabled());  // 127.0.0.1
  auto remote = ParseConfigToml("[cluster]\nlisten = \"10.0.0.5\"\n");
  ASSERT_TRUE(remote) << remote.error().message;
  EXPECT_TRUE(remote->cluster.TlsEnabled());
  EXPECT_TRUE(ParseConfigToml("[cluster]\nlisten = \"127.0.0.2\"\n")->cluster.TlsEnabled() == false);
  EXPECT_TRUE(ParseConfigToml("[cluster]\ntls = \"on\"\n")->cluster.TlsEnabled());
  EXPECT_FALSE(ParseConfigToml("[cluster]\ntls = \"off\"\n")->cluster.TlsEnabled());
  auto off_remote = ParseConfigToml("[cluster]\nlisten = \"10.0.0.5\"\ntls = \"off\"\n");
  ASSERT_FALSE(off_remote);
  EXPECT_NE(off_remote.error().message.find("cluster.tls"), std::string::npos);
  EXPECT_FALSE(ParseConfigToml("[cluster]\ntls = \"yes\"\n"));
  auto files = ParseConfigToml(
      "[cluster]\ntls_ca_file = \"/etc/citadel/ca.crt\"\ntls_cert_file = \"/etc/citadel/db.crt\"\n"
      "tls_key_file = \"/etc/citadel/db.key\"\n");
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->cluster.tls_key_file, "/etc/citadel/db.key");
  // All three or none; inert paths only (they reach YAML and PostgreSQL's settings).
  EXPECT_FALSE(ParseConfigToml("[cluster]\ntls_ca_file = \"/etc/citadel/ca.crt\"\n"));
  EXPECT_FALSE(ParseConfigToml(
      "[cluster]\ntls_ca_file = \"/etc/ca.crt\"\ntls_cert_file = \"/etc/a b.crt\"\ntls_key_file = \"/etc/k\"\n"));
}

TEST(ConfigTest, ClusterRepositoryHostKeys) {
  auto c = ParseConfigToml(
      "[cluster]\nrepo2_host = \"backup.example.net\"\nrepo2_host_user = \"pgbackrest\"\n"
      "repo2_host_port = 2222\nrepo2_ssh_key = \"/etc/citadel/repo2_key\"\n"
      "repo2_known_hosts = \"/etc/citadel/known_hosts\"\nrepo2_pg_host_user = \"citadel\"\n"
      "repo2_pg_host_port = 2200\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cluster.repo2_host, "backup.example.net");
  EXPECT_EQ(c->cluster.repo2_host_port, 2222);
  EXPECT_EQ(c->cluster.repo2_host_config, "/etc/pgbackrest/pgbackrest.conf");
  EXPECT_EQ(c->cluster.repo2_host_cmd, "/usr/bin/pgbackrest");
  EXPECT_EQ(c->cluster.repo2_pg_host_port, 2200);
  EXPECT_TRUE(ParseConfigToml("")->cluster.repo2_host.empty());  // repo2 local by default
  // Without the key and the pinned host key: refused, never trust-on-first-use.
  auto unpinned = ParseConfigToml("[cluster]\nrepo2_host = \"backup.example.net\"\n");
  ASSERT_FALSE(unpinned);
  EXPECT_NE(unpinned.error().message.find("repo2_known_hosts"), std::string::npos);
  EXPECT_NE(unpinned.error().message.find("repo2_ssh_key"), std::string::npos);
  // Values that would become ssh options or INI lines.
  const std::string keys = "repo2_ssh_key = \"/k\"\nrepo2_known_hosts = \"/h\"\n";
  for (const std::string& bad : {std::string("repo2_host = \"-oProxyCommand=x\"\n"),
                                 std::string("repo2_host = \"h\"\nrepo2_host_user = \"a@b\"\n"),
                                 std::string("repo2_host = \"h\"\nrepo2_host_config = \"/a b\"\n"),
                                 std::string("repo2_host = \"h\"\narchive_repo2_path = \"/a;b\"\n")}) {
    EXPECT_FALSE(ParseConfigToml("[cluster]\n" + keys + bad)) << bad;
  }
}

TEST(ConfigTest, BackupPlansInheritTheDefaultsAndAreChecked) {
  auto c = ParseConfigToml(
      "[backup]\nkeep_daily = 10\ncustomer_restore_beside = true\nmax_downloads = 2\n"
      "[backup.plan.gold]\nkeep_weekly = 8\nkeep_monthly = 12\n[backup.plan.lite_1]\nkeep_daily = 3\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->backup.customer_restore_beside);
  EXPECT_EQ(c->backup.max_downloads, 2);
  ASSERT_EQ(c->backup.plans.size(), 2u);
  EXPECT_EQ(c->backup.plans.at("gold").keep_daily, 10);  // [backup]'s, not the built-in 7
  EXPECT_EQ(c->backup.plans.at("gold").keep_weekly, 8);
  EXPECT_EQ(c->backup.plans.at("gold").keep_monthly, 12);
  EXPECT_EQ(c->backup.plans.at("lite_1").keep_daily, 3);
  EXPECT_EQ(c->backup.plans.at("lite_1").keep_weekly, 4);
  for (const char* bad : {"[backup.plan.Gold]\nkeep_daily = 3\n", "[backup.plan.gold]\nkeep_daily = 0\n",
                          "[backup.plan.gold]\nkeep_yearly = 1\n", "[backup]\nplan = 3\n",
                          "[backup]\nmax_downloads = 0\n"}) {
    EXPECT_FALSE(ParseConfigToml(bad)) << bad;
  }
}

}  // namespace
}  // namespace citadel::core
