// The HA cluster's configuration as files: the port plan, Patroni's and
// etcd's settings, and the multi-host DSN that follows the primary.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "db/conninfo.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_topology.hpp"
#include "platform/etcd_auth.hpp"
#include "platform/patroni_client.hpp"
#include "platform/patroni_config.hpp"

namespace citadel::platform {
namespace {

core::ClusterConfig ThreeMembers(bool synchronous) {
  core::ClusterConfig c;
  c.ha = true;
  c.synchronous = synchronous;
  c.members = 3;
  c.base_port = 40000;
  return c;
}

ClusterCredentials QuotingCredentials() {
  ClusterCredentials k;
  k.superuser_password = "s'uper \"pw\"\n";
  k.replication_password = "r: {e}";
  k.rest_password = "rest #pw";
  return k;
}

TEST(ClusterTopology, FollowsThePortPlanAndKeepsEverythingUnderTheDataFolder) {
  auto t = MakeClusterTopology(ThreeMembers(true), "/srv/cit");
  EXPECT_EQ(t.etcd_client_port, 40000);
  EXPECT_EQ(t.etcd_peer_port, 40001);
  ASSERT_EQ(t.members.size(), 3u);
  EXPECT_EQ(t.members[2].name, "member-2");
  EXPECT_EQ(t.members[2].postgres_port, 40012);
  EXPECT_EQ(t.members[2].rest_port, 40022);
  EXPECT_EQ(t.members[2].pgdata, "/srv/cit/ha/member-2/data");
  EXPECT_EQ(t.CredentialsPath(), "/srv/cit/ha/credentials.json");
}

TEST(PatroniConfig, SpeaksEtcd3AndCarriesTheModeTimingsAndQuotedSecrets) {
  auto config = ThreeMembers(true);
  auto t = MakeClusterTopology(config, "/srv/cit");
  auto text = RenderPatroniConfig(config, t, t.members[1], QuotingCredentials(),
                                  "/usr/lib/postgresql/15/bin");
  auto j = nlohmann::json::parse(text);  // JSON is YAML: what Patroni reads is exactly this
  EXPECT_FALSE(j.contains("etcd")) << "etcd 3.4 serves only the v3 API";
  EXPECT_EQ(j["etcd3"]["hosts"][0], "127.0.0.1:40000");
  EXPECT_EQ(j["name"], "member-1");
  EXPECT_EQ(j["scope"], "citadel");
  EXPECT_EQ(j["restapi"]["listen"], "127.0.0.1:40021");
  EXPECT_EQ(j["postgresql"]["listen"], "127.0.0.1:40011");
  EXPECT_EQ(j["postgresql"]["data_dir"], "/srv/cit/ha/member-1/data");
  EXPECT_EQ(j["postgresql"]["bin_dir"], "/usr/lib/postgresql/15/bin");
  EXPECT_EQ(j["postgresql"]["authentication"]["superuser"]["password"], "s'uper \"pw\"\n");
  EXPECT_EQ(j["postgresql"]["authentication"]["replication"]["password"], "r: {e}");
  EXPECT_EQ(j["restapi"]["authentication"]["username"], "patroni");
  EXPECT_EQ(j["restapi"]["authentication"]["password"], "rest #pw");
  const auto& dcs = j["bootstrap"]["dcs"];
  EXPECT_EQ(dcs["synchronous_mode"], true);
  EXPECT_EQ(dcs["ttl"], 7);
  EXPECT_EQ(dcs["loop_wait"], 1);
  EXPECT_EQ(dcs["retry_timeout"], 3);
  EXPECT_EQ(dcs["postgresql"]["use_pg_rewind"], true);
  for (const auto& line : j["postgresql"]["pg_hba"]) {
    EXPECT_NE(line.get<std::string>().find("scram-sha-256"), std::string::npos) << line;
    EXPECT_EQ(line.get<std::string>().find("trust"), std::string::npos) << line;
  }
  auto asynchronous = nlohmann::json::parse(
      RenderPatroniConfig(ThreeMembers(false), t, t.members[0], QuotingCredentials(), "/x"));
  EXPECT_EQ(asynchronous["bootstrap"]["dcs"]["synchronous_mode"], false);
}

TEST(EtcdConfig, ListensOnlyOnTheClusterAddressAndServesNoV2) {
  auto t = MakeClusterTopology(ThreeMembers(true), "/srv/cit");
  auto j = nlohmann::json::parse(RenderEtcdConfig(t));
  EXPECT_EQ(j["listen-client-urls"], "http://127.0.0.1:40000");
  EXPECT_EQ(j["listen-peer-urls"], "http://127.0.0.1:40001");
  EXPECT_EQ(j["data-dir"], "/srv/cit/ha/etcd");
  EXPECT_EQ(j["enable-v2"], false);
}

TEST(PatroniConfig, WithTlsOnlyEncryptedTcpIsAdmittedAndEveryClientVerifies) {
  auto config = ThreeMembers(true);
  config.tls = "on";
  auto t = MakeClusterTopology(config, "/srv/cit");
  ASSERT_TRUE(t.tls.enabled);
  auto credentials = QuotingCredentials();
  credentials.etcd_patroni_password = "etcd pw";
  auto j = nlohmann::json::parse(RenderPatroniConfig(config, t, t.members[1], credentials, "/x"));
  const auto& pg = j["postgresql"];
  EXPECT_EQ(pg["parameters"]["ssl"], "on");
  EXPECT_EQ(pg["parameters"]["ssl_cert_file"], "/srv/cit/ha/tls/member-1.crt");
  EXPECT_EQ(pg["parameters"]["ssl_key_file"], "/srv/cit/ha/tls/member-1.key");
  ASSERT_EQ(pg["pg_hba"].size(), 3u);
  for (const auto& line : pg["pg_hba"])
    EXPECT_EQ(line.get<std::string>().rfind("hostssl ", 0), 0u) << "plain TCP must find no rule: " << line;
  for (const char* role : {"superuser", "replication", "rewind"}) {
    EXPECT_EQ(pg["authentication"][role]["sslmode"], "verify-full") << role;
    EXPECT_EQ(pg["authentication"][role]["sslrootcert"], "/srv/cit/ha/tls/ca.crt") << role;
  }
  EXPECT_EQ(j["restapi"]["certfile"], "/srv/cit/ha/tls/member-1.crt");
  EXPECT_EQ(j["restapi"]["keyfile"], "/srv/cit/ha/tls/member-1.key");
  EXPECT_EQ(j["restapi"]["cafile"], "/srv/cit/ha/tls/ca.crt");
  EXPECT_EQ(j["ctl"]["cacert"], "/srv/cit/ha/tls/ca.crt");
  EXPECT_EQ(j["ctl"]["insecure"], false);
  const auto& etcd = j["etcd3"];
  EXPECT_EQ(etcd["protocol"], "https");
  EXPECT_EQ(etcd["cacert"], "/srv/cit/ha/tls/ca.crt");
  EXPECT_FALSE(etcd.contains("cert")) << "etcd asks clients for no certificate";
  EXPECT_EQ(etcd["username"], "patroni");
  EXPECT_EQ(etcd["password"], "etcd pw");

  auto e = nlohmann::json::parse(RenderEtcdConfig(t));
  EXPECT_EQ(e["listen-client-urls"], "https://127.0.0.1:40000");
  EXPECT_EQ(e["advertise-client-urls"], "https://127.0.0.1:40000");
  EXPECT_EQ(e["listen-peer-urls"], "https://127.0.0.1:40001");
  EXPECT_EQ(e["initial-cluster"], "citadel-etcd=https://127.0.0.1:40001");
  for (const char* side : {"client-transport-security", "peer-transport-security"}) {
    EXPECT_EQ(e[side]["cert-file"], "/srv/cit/ha/tls/etcd.crt") << side;
    EXPECT_EQ(e[side]["key-file"], "/srv/cit/ha/tls/etcd.key") << side;
  }
  EXPECT_EQ(e["peer-transport-security"]["trusted-ca-file"], "/srv/cit/ha/tls/ca.crt");
  EXPECT_FALSE(e["client-transport-security"].contains("trusted-ca-file")) << "it would imply client-cert-auth";
  EXPECT_EQ(e["peer-transport-security"]["client-cert-auth"], true);
  // etcd 3.4.23's gateway refuses token-less requests (logging in too) when
  // it asks clients for certificates: clients authenticate by password.
  EXPECT_EQ(e["client-transport-security"]["client-cert-auth"], false);

  auto dsn = db::ParseConnInfo(ClusterPrimaryDsn(t, credentials, "postgres"));
  ASSERT_TRUE(dsn);
  std::map<std::string, std::string> options(dsn->begin(), dsn->end());
  EXPECT_EQ(options["sslmode"], "verify-full");
  EXPECT_EQ(options["sslrootcert"], "/srv/cit/ha/tls/ca.crt");
}

TEST(PatroniConfig, WithoutTlsPlainHostRulesAndNoCertificatesAnywhere) {
  auto config = ThreeMembers(true);  // tls auto, loopback
  auto t = MakeClusterTopology(config, "/srv/cit");
  EXPECT_FALSE(t.tls.enabled);
  auto j = nlohmann::json::parse(RenderPatroniConfig(config, t, t.members[0], QuotingCredentials(), "/x"));
  for (const auto& line : j["postgresql"]["pg_hba"]) EXPECT_EQ(line.get<std::string>().rfind("host ", 0), 0u);
  EXPECT_FALSE(j["postgresql"]["parameters"].contains("ssl"));
  EXPECT_FALSE(j["restapi"].contains("certfile"));
  EXPECT_FALSE(j["etcd3"].contains("protocol"));
  EXPECT_FALSE(j["etcd3"].contains("username")) << "no etcd password in these credentials";
  EXPECT_FALSE(nlohmann::json::parse(RenderEtcdConfig(t)).contains("client-transport-security"));
  auto dsn = ClusterPrimaryDsn(t, QuotingCredentials(), "postgres");
  EXPECT_EQ(dsn.find("sslmode"), std::string::npos);
  // Non-loopback: on by default.
  config.listen = "10.1.2.3";
  EXPECT_TRUE(MakeClusterTopology(config, "/srv/cit").tls.enabled);
  EXPECT_EQ(MakeClusterTopology(config, "/srv/cit").EtcdClientUrl(), "https://10.1.2.3:40000");
}

TEST(EtcdAuth, PatronisRoleCoversItsNamespaceOnly) {
  EXPECT_EQ(EtcdPrefixRangeEnd("/citadel/"), "/citadel0");
  EXPECT_EQ(EtcdPrefixRangeEnd(std::string("a\xff", 2)), "b");
}

TEST(ClusterPrimaryDsn, NamesEveryMemberAndAsksForTheWritableOne) {
  auto t = MakeClusterTopology(ThreeMembers(true), "/srv/cit");
  auto info = db::ParseConnInfo(ClusterPrimaryDsn(t, QuotingCredentials(), "citadel_catalog"));
  ASSERT_TRUE(info);
  std::map<std::string, std::string> options(info->begin(), info->end());
  EXPECT_EQ(options["host"], "127.0.0.1,127.0.0.1,127.0.0.1");
  EXPECT_EQ(options["port"], "40010,40011,40012");
  EXPECT_EQ(options["target_session_attrs"], "read-write");
  EXPECT_EQ(options["password"], "s'uper \"pw\"\n");
  EXPECT_EQ(options["dbname"], "citadel_catalog");
}

TEST(PatroniClusterAnswer, ReadsMembersAndRefusesWhatIsNotOne) {
  auto view = ParsePatroniCluster(
      R"({"members":[{"name":"member-0","role":"leader","state":"running","host":"127.0.0.1","port":40010,"timeline":2},)"
      R"({"name":"member-1","role":"sync_standby","state":"running","timeline":2,"lag":0},)"
      R"({"name":"member-2","role":"replica","state":"running","lag":"unknown"}]})");
  ASSERT_TRUE(view) << view.error().message;
  ASSERT_EQ(view->members.size(), 3u);
  EXPECT_EQ(view->members[0].role, "leader");
  EXPECT_EQ(view->members[0].port, 40010);
  EXPECT_FALSE(view->members[0].lag_bytes);
  EXPECT_EQ(view->members[1].lag_bytes, 0);
  EXPECT_EQ(view->members[1].timeline, 2);
  EXPECT_FALSE(view->members[2].lag_bytes) << "\"unknown\" is not a number";
  EXPECT_FALSE(ParsePatroniCluster("<html>"));
  EXPECT_FALSE(ParsePatroniCluster(R"({"members":{}})"));
}

TEST(ClusterCredentialsFile, RoundTripsOwnerOnlyAndRefusesAnIncompleteOne) {
  char dir_template[] = "/tmp/cit-cred-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/credentials.json";
  auto written = GenerateClusterCredentials();
  EXPECT_EQ(written.rest_password.size(), 32u);
  EXPECT_NE(written.superuser_password, written.replication_password);
  ASSERT_TRUE(WriteOwnerOnlyFile(path, SerializeClusterCredentials(written), db::ServiceUser{}));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto read = LoadClusterCredentials(path);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->superuser_password, written.superuser_password);
  EXPECT_EQ(read->replication_password, written.replication_password);
  EXPECT_EQ(read->rest_password, written.rest_password);
  EXPECT_EQ(read->etcd_root_password, written.etcd_root_password);
  EXPECT_EQ(read->etcd_patroni_password, written.etcd_patroni_password);
  EXPECT_EQ(written.etcd_patroni_password.size(), 32u);

  ASSERT_TRUE(WriteOwnerOnlyFile(path, R"({"superuser":{"username":"citadel","password":"x"}})",
                                 db::ServiceUser{}));
  auto incomplete = LoadClusterCredentials(path);
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().message.find("\"x\""), std::string::npos) << "never quotes the file";
  ::unlink(path.c_str());
  ::rmdir(dir_template);
}

}  // namespace
}  // namespace citadel::platform
