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
        "pg2-port=41011", "spool-path=/srv/cit/ha/pgbackrest/spool", "archive-async=y",
        "lock-path=/srv/cit/ha/pgbackrest/lock"}) {
    EXPECT_NE(text.find(line + "\n"), std::string::npos) << line;
  }
  auto elsewhere = ArchivingCluster();
  elsewhere.archive_repo2_path = "/mnt/site-b/citadel";
  EXPECT_EQ(MakeClusterTopology(elsewhere, "/srv/cit").repo2_path, "/mnt/site-b/citadel");
}

core::ClusterConfig RepoHostCluster() {
  core::ClusterConfig c = ArchivingCluster();
  c.repo2_host = "backup.example.net";
  c.repo2_host_user = "pgbackrest";
  c.repo2_host_port = 2222;
  c.repo2_ssh_key = "/etc/citadel/repo2_ed25519";
  c.repo2_known_hosts = "/etc/citadel/repo2_known_hosts";
  c.repo2_pg_host_port = 2200;
  return c;
}

bool HasLine(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(PgBackRestRepoHost, DatabaseHostsNameTheHostNotThePathNorThePassphrase) {
  auto topology = MakeClusterTopology(RepoHostCluster(), "/srv/cit");
  ASSERT_TRUE(topology.Repo2IsRemote());
  EXPECT_EQ(topology.repo2_path, "/var/lib/pgbackrest");  // pgBackRest's default, on that host
  auto credentials = GenerateClusterCredentials();
  const std::string text = RenderPgBackRestConfig(topology, credentials);
  for (const std::string& line : std::vector<std::string>{
           "repo1-path=/srv/cit/ha/pgbackrest/repo1", "repo1-cipher-pass=" + credentials.repo1_cipher_pass,
           "repo2-host=backup.example.net", "repo2-host-user=pgbackrest", "repo2-host-port=2222",
           "repo2-host-config=/etc/pgbackrest/pgbackrest.conf", "repo2-host-cmd=/usr/bin/pgbackrest",
           "cmd-ssh=/srv/cit/ha/pgbackrest/ssh"}) {
    EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
  }
  // The host holds repo2's passphrase; the database hosts ask it over the protocol.
  EXPECT_EQ(text.find(credentials.repo2_cipher_pass), std::string::npos);
  EXPECT_EQ(text.find("repo2-path"), std::string::npos);
  EXPECT_EQ(text.find("repo2-cipher"), std::string::npos);
  // A local repo2 names no ssh.
  const std::string local = RenderPgBackRestConfig(MakeClusterTopology(ArchivingCluster(), "/srv/cit"), credentials);
  EXPECT_EQ(local.find("cmd-ssh"), std::string::npos);
  EXPECT_EQ(local.find("repo2-host"), std::string::npos);
}

TEST(PgBackRestRepoHost, TheHostsConfigurationOwnsRepo2AndReachesEveryMember) {
  auto config = RepoHostCluster();
  config.archive_repo2_path = "/srv/pgbackrest/citadel";
  auto topology = MakeClusterTopology(config, "/srv/cit");
  auto credentials = GenerateClusterCredentials();
  const std::string text = RenderRepoHostPgBackRestConfig(topology, credentials, "citadel");
  for (const std::string& line : std::vector<std::string>{
           "[global]", "repo2-path=/srv/pgbackrest/citadel", "repo2-cipher-type=aes-256-cbc",
           "repo2-cipher-pass=" + credentials.repo2_cipher_pass, "repo2-retention-full=2", "[citadel]",
           "pg1-host=127.0.0.1", "pg1-host-user=citadel", "pg1-host-port=2200",
           "pg1-host-cmd=/srv/cit/ha/pgbackrest/pgbackrest-remote",
           "pg1-host-config=/srv/cit/ha/pgbackrest/pgbackrest.conf", "pg1-path=/srv/cit/ha/member-0/data",
           "pg1-port=41010", "pg2-path=/srv/cit/ha/member-1/data", "pg2-port=41011",
           "pg2-host=127.0.0.1", "pg1-user=" + credentials.superuser}) {
    EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("repo1"), std::string::npos);  // repo2 keeps its index there
  EXPECT_EQ(text.find(credentials.repo1_cipher_pass), std::string::npos);
  EXPECT_EQ(text.find("cmd-ssh"), std::string::npos);
  config.repo2_host_cmd_ssh = "/usr/local/bin/ssh-for-pgbackrest";
  EXPECT_TRUE(HasLine(RenderRepoHostPgBackRestConfig(MakeClusterTopology(config, "/srv/cit"), credentials, "citadel"),
                      "cmd-ssh=/usr/local/bin/ssh-for-pgbackrest"));
}

TEST(PgBackRestRepoHost, SshPinsTheHostKeyAndUsesOnlyTheGivenKey) {
  auto topology = MakeClusterTopology(RepoHostCluster(), "/srv/cit");
  const std::string ssh = RenderSshClientConfig(topology);
  for (const std::string& line : std::vector<std::string>{
           "  StrictHostKeyChecking yes", "  BatchMode yes", "  IdentitiesOnly yes",
           "  IdentityFile /etc/citadel/repo2_ed25519", "  UserKnownHostsFile /etc/citadel/repo2_known_hosts",
           "  GlobalKnownHostsFile /dev/null", "  PasswordAuthentication no"}) {
    EXPECT_TRUE(HasLine(ssh, line)) << line;
  }
  EXPECT_EQ(RenderSshWrapper(topology),
            "#!/bin/sh\n# Written by `citadel cluster init --ha`: pgBackRest's cmd-ssh.\n"
            "exec /usr/bin/ssh -F /srv/cit/ha/pgbackrest/ssh_config \"$@\"\n");
  const std::string remote = RenderPgHostCmdWrapper(topology);
  EXPECT_NE(remote.find("PGHOST=127.0.0.1 PGPASSFILE=/srv/cit/ha/pgbackrest/pgpass exec /usr/bin/pgbackrest \"$@\"\n"),
            std::string::npos) << remote;
  EXPECT_EQ(RepoHostSshArgv(topology, {"/usr/bin/pgbackrest", "version"}),
            (std::vector<std::string>{"/srv/cit/ha/pgbackrest/ssh", "-p", "2222", "pgbackrest@backup.example.net",
                                      "/usr/bin/pgbackrest", "version"}));
  EXPECT_EQ(RepoHostBackupCommand(topology, "full"),
            (std::vector<std::string>{"/usr/bin/pgbackrest", "--config=/etc/pgbackrest/pgbackrest.conf",
                                      "--stanza=citadel", "--repo=2", "--type=full", "backup"}));
}

TEST(PgBackRestRepoHost, TheReachabilityCheckSaysWhy) {
  auto topology = MakeClusterTopology(RepoHostCluster(), "/srv/cit");
  const auto& h = topology.repo2_host;
  const std::string version = "pgBackRest 2.45";
  EXPECT_EQ(ExplainRepoHostCheck(h, 0, "pgBackRest 2.45\n", version), "");
  auto says = [&](int code, const std::string& output, const std::string& part) {
    const std::string why = ExplainRepoHostCheck(h, code, output, version);
    EXPECT_NE(why.find(part), std::string::npos) << output << " -> " << why;
  };
  says(255, "No ED25519 host key is known for [backup.example.net]:2222 and you have requested strict checking.\n"
            "Host key verification failed.\n", "pinned in /etc/citadel/repo2_known_hosts");
  says(255, "pgbackrest@backup.example.net: Permission denied (publickey).\n", "authentication");
  says(255, "ssh: connect to host backup.example.net port 2222: Connection refused\n", "cannot reach");
  says(127, "bash: line 1: /usr/bin/pgbackrest: No such file or directory\n", "pgbackrest is missing");
  says(0, "pgBackRest 2.44\n", "pgBackRest differs");
  says(1, "something else\n", "exit 1");
}

// archive-push's async process takes the archive lock in lock-path; Citadel's
// stanza-create must not (it stalled archiving for archive-timeout once,
// docs/notes.md session 13), but a stop file there still holds it back.
TEST(PgBackRestConfig, StanzaCreateLocksApartFromArchivePushAndHonoursStop) {
  auto topology = MakeClusterTopology(ArchivingCluster(), "/srv/cit");
  const std::string text = RenderPgBackRestConfig(topology, GenerateClusterCredentials());
  EXPECT_TRUE(text.find("lock-path=/srv/cit/ha/pgbackrest/lock\n") != std::string::npos);
  EXPECT_EQ(PgBackRestArgv(topology, StanzaCreateOptions(topology), "stanza-create"),
            (std::vector<std::string>{"/usr/bin/pgbackrest", "--config=/srv/cit/ha/pgbackrest/pgbackrest.conf",
                                      "--stanza=citadel", "--lock-path=/srv/cit/ha/pgbackrest/lock/stanza-create",
                                      "stanza-create"}));
  EXPECT_EQ(PgBackRestStopFiles(topology),
            (std::vector<std::string>{"/srv/cit/ha/pgbackrest/lock/citadel.stop",
                                      "/srv/cit/ha/pgbackrest/lock/all.stop"}));
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

  // Whichever member wins Patroni's initialize race restores into its own
  // data directory and replays WAL into it: archive-get resolves %p against
  // --pg1-path, and the stanza's pg1 is member-0 (member-1's bootstrap
  // failed on it and member-0 redid it: docs/notes.md, session 14).
  for (const auto& member : topology.members) {
    auto restoring = nlohmann::json::parse(RenderPatroniConfig(
        config, topology, member, credentials, "/usr/lib/postgresql/15/bin", 2));
    EXPECT_EQ(restoring["bootstrap"]["method"], "pgbackrest");
    const auto& method = restoring["bootstrap"]["pgbackrest"];
    EXPECT_EQ(method["no_params"], true);
    EXPECT_NE(method["command"].get<std::string>().find("--repo=2 --pg1-path=" + member.pgdata + " "),
              std::string::npos) << member.name;
    EXPECT_EQ(method["recovery_conf"]["restore_command"],
              "/usr/bin/pgbackrest --config=/srv/cit/ha/pgbackrest/pgbackrest.conf --stanza=citadel "
              "--pg1-path=" + member.pgdata + " --repo=2 archive-get %f \"%p\"") << member.name;
  }
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
