// pgBackRest's part of the HA cluster as files and commands: two encrypted
// repositories with their own passphrases, every member a pgN, paths that a
// shell cannot misread, Patroni archiving through it (and restoring from it
// only for dr rebuild), and `pgbackrest info` read without trusting its shape.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "platform/cluster_credentials.hpp"
#include "platform/cluster_topology.hpp"
#include "platform/patroni_config.hpp"
#include "platform/pgbackrest_config.hpp"
#include "platform/pgbackrest_runner.hpp"

namespace citadel::platform {
namespace {

core::ClusterConfig ArchivingCluster() {
  core::ClusterConfig c;
  c.ha = true;
  c.members = 2;
  c.base_port = 41000;
  c.archive_timeout = 17;
  return c;
}

TEST(PgBackRestConfig, TwoEncryptedRepositoriesAndEveryMember) {
  auto topology = MakeClusterTopology(ArchivingCluster(), "/srv/cit");
  auto credentials = GenerateClusterCredentials();
  EXPECT_NE(credentials.repo1_cipher_pass, credentials.repo2_cipher_pass);
  const std::string text = RenderPgBackRestConfig(topology, credentials);
  for (const std::string& line : std::vector<std::string>{
           "repo1-path=/srv/cit/ha/pgbackrest/repo1", "repo2-path=/srv/cit/ha/pgbackrest/repo2",
        "repo1-cipher-type=aes-256-cbc", "repo2-cipher-type=aes-256-cbc",
        "repo1-cipher-pass=" + credentials.repo1_cipher_pass,
        "repo2-cipher-pass=" + credentials.repo2_cipher_pass, "[citadel]",
        "pg1-path=/srv/cit/ha/member-0/data", "pg1-port=41010", "pg2-path=/srv/cit/ha/member-1/data",
        "pg2-port=41011", "spool-path=/srv/cit/ha/pgbackrest/spool",
        "lock-path=/srv/cit/ha/pgbackrest/lock"}) {
    EXPECT_NE(text.find(line + "\n"), std::string::npos) << line;
  }
  auto elsewhere = ArchivingCluster();
  elsewhere.archive_repo2_path = "/mnt/site-b/citadel";
  EXPECT_EQ(MakeClusterTopology(elsewhere, "/srv/cit").repo2_path, "/mnt/site-b/citadel");
}

TEST(PgBackRestConfig, OnlyShellInertPaths) {
  EXPECT_TRUE(ShellSafePath("/srv/cit-1/ha_x/pgbackrest.conf"));
  for (const char* bad : {"relative/path", "", "/a b", "/a;rm -rf /", "/a'b", "/a$(x)", "/a\nb", "/a`b`"}) {
    EXPECT_FALSE(ShellSafePath(bad)) << bad;
  }
}

TEST(PgBackRestConfig, PatroniArchivesThroughItAndRestoresOnlyWhenAsked) {
  const auto config = ArchivingCluster();
  auto topology = MakeClusterTopology(config, "/srv/cit");
  auto credentials = GenerateClusterCredentials();
  auto doc = nlohmann::json::parse(
      RenderPatroniConfig(config, topology, topology.members[1], credentials, "/usr/lib/postgresql/15/bin"));
  const auto& dcs = doc["bootstrap"]["dcs"]["postgresql"]["parameters"];
  EXPECT_EQ(dcs["archive_mode"], "on");
  EXPECT_EQ(dcs["archive_timeout"], 17);
  EXPECT_EQ(doc["postgresql"]["parameters"]["archive_command"],
            "/usr/bin/pgbackrest --config=/srv/cit/ha/pgbackrest/pgbackrest.conf --stanza=citadel "
            "--pg1-path=/srv/cit/ha/member-1/data archive-push %p");
  EXPECT_FALSE(doc["bootstrap"].contains("method"));  // initdb

  auto restoring = nlohmann::json::parse(RenderPatroniConfig(
      config, topology, topology.members[0], credentials, "/usr/lib/postgresql/15/bin", 2));
  EXPECT_EQ(restoring["bootstrap"]["method"], "pgbackrest");
  const auto& method = restoring["bootstrap"]["pgbackrest"];
  EXPECT_EQ(method["no_params"], true);
  EXPECT_NE(method["command"].get<std::string>().find("--repo=2 --pg1-path=/srv/cit/ha/member-0/data"),
            std::string::npos);
  EXPECT_NE(method["recovery_conf"]["restore_command"].get<std::string>().find("--repo=2 archive-get %f"),
            std::string::npos);
}

TEST(PgBackRestInfo, ReadsBackupsAndArchivePerRepository) {
  const std::string json = R"([{"name": "citadel",
    "repo": [{"key": 1, "status": {"code": 0, "message": "ok"}},
             {"key": 2, "status": {"code": 2, "message": "no valid backups"}}],
    "backup": [{"label": "20261203-122012F", "type": "full", "database": {"id": 1, "repo-key": 1},
                "timestamp": {"start": 1700000000, "stop": 1700000004}}],
    "archive": [{"database": {"id": 1, "repo-key": 1}, "min": "000000010000000000000001",
                 "max": "000000010000000000000006"},
                {"database": {"id": 1, "repo-key": 2}, "min": null, "max": null}]},
    {"name": "another", "repo": [{"key": 9}]}])";
  auto repos = ParsePgBackRestInfo(json, "citadel");
  ASSERT_TRUE(repos);
  ASSERT_EQ(repos->size(), 2u);
  EXPECT_EQ((*repos)[0].status, "ok");
  ASSERT_EQ((*repos)[0].backups.size(), 1u);
  EXPECT_EQ((*repos)[0].backups[0].type, "full");
  EXPECT_EQ((*repos)[0].backups[0].stopped_at, 1700000004);
  EXPECT_EQ((*repos)[0].archive_max, "000000010000000000000006");
  EXPECT_EQ((*repos)[1].status, "no valid backups");
  EXPECT_TRUE((*repos)[1].backups.empty());
  EXPECT_EQ((*repos)[1].archive_max, "");  // nulls (a stanza with no WAL yet) crashed cluster run once
}

TEST(PgBackRestInfo, AnythingElseIsRefusedOrEmptyNeverAThrow) {
  EXPECT_FALSE(ParsePgBackRestInfo("not json", "citadel"));
  EXPECT_FALSE(ParsePgBackRestInfo("{}", "citadel"));
  for (const char* odd : {"[1, \"x\", null]", "[{\"name\": \"citadel\", \"repo\": 5, \"backup\": {}}]",
                          "[{\"name\": \"citadel\", \"repo\": [{\"key\": \"1\", \"status\": 3}],"
                          " \"backup\": [{\"database\": null, \"label\": 7}]}]"}) {
    auto repos = ParsePgBackRestInfo(odd, "citadel");
    ASSERT_TRUE(repos) << odd;
    for (const auto& r : *repos) EXPECT_TRUE(r.backups.empty()) << odd;
  }
}

}  // namespace
}  // namespace citadel::platform
