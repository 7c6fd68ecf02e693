#include "platform/backup_sites.hpp"

#include <gtest/gtest.h>

namespace citadel::platform {
namespace {

TEST(SftpLocation, ParsesUserHostPortAndRoot) {
  auto plain = ParseSftpLocation("backup@10.0.0.5/srv/citadel/");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->user, "backup");
  EXPECT_EQ(plain->host, "10.0.0.5");
  EXPECT_EQ(plain->port, 22);
  EXPECT_EQ(plain->root, "/srv/citadel");
  auto ported = ParseSftpLocation("b@site.example:2222/r");
  ASSERT_TRUE(ported);
  EXPECT_EQ(ported->port, 2222);
  auto v6 = ParseSftpLocation("b@[::1]:2022/r");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 2022);
  for (const char* bad : {"host/r", "@host/r", "b@host", "b@:22/r", "b@host:99999/r", "b@host:x/r", "b@::1/r",
                          "b c@host/r"}) {
    EXPECT_FALSE(ParseSftpLocation(bad)) << bad;
  }
}

TEST(SitePolicy, SaysWhatIsMissing) {
  std::vector<SiteRow> sites{{"a", "local", "eu", "/a", "", "", ""}, {"b", "local", "eu", "/b", "", "", ""}};
  std::string problem = SitePolicyProblem(sites, SitePolicy{});
  EXPECT_NE(problem.find("at least 3 sites in 2 regions; configured: 2 site(s) in 1 region(s)"), std::string::npos)
      << problem;
  sites.push_back({"c", "sftp", "us", "b@h/r", "k", "/k", ""});
  EXPECT_EQ(SitePolicyProblem(sites, SitePolicy{}), "");
  EXPECT_EQ(SitePolicyProblem({sites[0]}, SitePolicy{1, 1, "lab"}), "");
}

TEST(SiteRow, RefusesWhatCannotWork) {
  EXPECT_FALSE(CheckSiteRow({"Bad Name", "local", "eu", "/a", "", "", ""}));
  EXPECT_FALSE(CheckSiteRow({"a", "local", "", "/a", "", "", ""}));
  EXPECT_FALSE(CheckSiteRow({"a", "local", "eu", "relative", "", "", ""}));
  EXPECT_FALSE(CheckSiteRow({"a", "sftp", "eu", "b@h/r", "", "/k", ""}));  // no pinned key: never TOFU
  EXPECT_FALSE(CheckSiteRow({"a", "ftp", "eu", "/a", "", "", ""}));
  EXPECT_TRUE(CheckSiteRow({"a", "sftp", "eu", "b@h:22/r", "ssh-ed25519 AAAA", "/k", ""}));
}

}  // namespace
}  // namespace citadel::platform
