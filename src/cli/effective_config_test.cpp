#include "cli/effective_config.hpp"

#include <gtest/gtest.h>

#include "core/fake_file_system.hpp"

namespace citadel::cli {
namespace {

TEST(EffectiveConfigTest, FlagsWinOverTheFileWhichWinsOverDefaults) {
  core::FakeFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic("/etc/citadel.toml",
                                 "[server]\nhttps_port = 9000\nhttp_port = 9001\ndata_dir = \"/srv/c\"\n",
                                 0644));
  CommonOptions common;
  common.config_file = "/etc/citadel.toml";
  auto config = LoadEffectiveConfig(common, fs);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->data_dir, "/srv/c");
  ServeCommand serve;
  serve.https_port = 9443;
  ApplyServeFlags(serve, *config);
  EXPECT_EQ(config->https_port, 9443);
  EXPECT_EQ(config->http_port, 9001);
  EXPECT_EQ(config->metrics_port, 9464);

  common.data_dir = "/srv/other/";
  EXPECT_EQ(LoadEffectiveConfig(common, fs)->data_dir, "/srv/other");
}

TEST(EffectiveConfigTest, ABadFileNamesItselfAndTheKey) {
  core::FakeFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic("/c.toml", "[limits]\nmax_body = 1\n", 0644));
  CommonOptions common;
  common.config_file = "/c.toml";
  auto config = LoadEffectiveConfig(common, fs);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("/c.toml"), std::string::npos);
  EXPECT_NE(config.error().message.find("limits.max_body"), std::string::npos);
}

TEST(EffectiveConfigTest, DataDirComesFromTheEnvironmentByDefault) {
  ::setenv("CITADEL_DATA_DIR", "/tmp/from-env", 1);
  core::FakeFileSystem fs;
  auto config = LoadEffectiveConfig({}, fs);
  ::unsetenv("CITADEL_DATA_DIR");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->data_dir, "/tmp/from-env");
}

}  // namespace
}  // namespace citadel::cli
