// The embedded cluster's layout and configuration files, without PostgreSQL.
#include "db/cluster_layout.hpp"

#include <map>

#include <gtest/gtest.h>

#include "db/conninfo.hpp"
#include "db/embedded_cluster.hpp"

namespace citadel::db {
namespace {

TEST(ClusterLayout, SocketInDataDirWhenItFits) {
  auto l = MakeClusterLayout("/var/lib/citadel/", 5432);
  EXPECT_EQ(l.pgdata, "/var/lib/citadel/pg/data");
  EXPECT_EQ(l.socket_dir, "/var/lib/citadel/run");
  EXPECT_EQ(l.SocketPath(), "/var/lib/citadel/run/.s.PGSQL.5432");
}

TEST(ClusterLayout, SocketFallsBackToShortTmpPathWhenTooLong) {
  const std::string deep = "/srv/" + std::string(100, 'd');
  auto l = MakeClusterLayout(deep, 5432);
  EXPECT_TRUE(l.socket_dir.starts_with("/tmp/citadel-"));
  EXPECT_EQ(l.socket_dir.size(), std::string("/tmp/citadel-").size() + 8);
  EXPECT_LE(l.SocketPath().size(), kMaxSocketPath);
  // Stable: the same data directory always finds the same socket.
  EXPECT_EQ(MakeClusterLayout(deep, 5432).socket_dir, l.socket_dir);
  EXPECT_NE(MakeClusterLayout(deep + "x", 5432).socket_dir, l.socket_dir);
}

TEST(ClusterLayout, SettingsNeverListenOnTcpAndQuotePaths) {
  auto l = MakeClusterLayout("/data/it's", 5432);
  const std::string s = RenderSettings(l, ClusterSettings{});
  EXPECT_NE(s.find("listen_addresses = ''\n"), std::string::npos);
  EXPECT_NE(s.find("unix_socket_permissions = 0700"), std::string::npos);
  EXPECT_NE(s.find("password_encryption = 'scram-sha-256'"), std::string::npos);
  EXPECT_NE(s.find("'/data/it''s/run'"), std::string::npos);
}

TEST(ClusterLayout, HbaHasNoHostLinesAndPeerOnlyForSuperuser) {
  const std::string hba = RenderHba("citadel");
  EXPECT_EQ(hba.find("\nhost"), std::string::npos);
  EXPECT_NE(hba.find("local all citadel peer map=citadel\n"), std::string::npos);
  EXPECT_NE(hba.find("local all all scram-sha-256\n"), std::string::npos);
  const std::string ident = RenderIdent({"citadel", "root"}, "citadel");
  EXPECT_NE(ident.find("citadel root citadel\n"), std::string::npos);
}

TEST(EmbeddedClusterOptions, FromConfigLeavesRoomAbovePools) {
  core::ServerConfig config;
  config.data_dir = "/srv/citadel";
  config.database.max_connections_total = 400;
  auto o = EmbeddedClusterOptions::FromConfig(config);
  EXPECT_EQ(o.data_dir, "/srv/citadel");
  EXPECT_EQ(o.max_connections, 430);
  config.database.max_connections_total = 80;
  EXPECT_EQ(EmbeddedClusterOptions::FromConfig(config).max_connections, 200);
}

TEST(ConnInfo, QuotesValuesSoTheyCannotAddOptions) {
  std::string dsn = FormatConnInfo({{"host", "/tmp/a b"}, {"password", "x' user='root"}});
  auto parsed = ParseConnInfo(dsn);
  ASSERT_TRUE(parsed);
  std::map<std::string, std::string> got(parsed->begin(), parsed->end());
  std::map<std::string, std::string> expected = {{"host", "/tmp/a b"},
                                                 {"password", "x' user='root"}};
  EXPECT_EQ(got, expected);
}

TEST(ConnInfo, ParseErrorNeverEchoesInput) {
  auto parsed = ParseConnInfo("host=x password=s3cret bogus");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace citadel::db
