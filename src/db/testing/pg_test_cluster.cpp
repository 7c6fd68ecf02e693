#include "db/testing/pg_test_cluster.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sys/stat.h>

#include <gtest/gtest.h>

namespace citadel::db::testing {
namespace {

std::unique_ptr<EmbeddedCluster> g_cluster;
std::string g_data_dir;

class PgTestEnvironment final : public ::testing::Environment {
 public:
  void SetUp() override {
    g_data_dir = MakeTestDataDir("cpg-");
    g_cluster = std::make_unique<EmbeddedCluster>(TestClusterOptions(g_data_dir));
    auto started = g_cluster->Start();
    ASSERT_TRUE(started.has_value()) << "cannot start the test PostgreSQL: "
                                     << started.error().message;
  }
  void TearDown() override {
    if (g_cluster) (void)g_cluster->Stop();
    g_cluster.reset();
    std::error_code ec;
    if (!g_data_dir.empty()) std::filesystem::remove_all(g_data_dir, ec);
  }
};

// Registration when this object is linked: the one static initialiser in
// the tree, confined to test binaries.
[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgTestEnvironment);

}  // namespace

EmbeddedCluster& PgTestCluster() { return *g_cluster; }
const std::string& PgTestDataDir() { return g_data_dir; }

EmbeddedClusterOptions TestClusterOptions(const std::string& data_dir) {
  EmbeddedClusterOptions o;
  o.data_dir = data_dir;
  o.max_connections = 100;
  o.start_timeout = std::chrono::seconds(60);
  o.initdb_sync = false;
  o.extra_settings = {{"fsync", "off"},
                      {"synchronous_commit", "off"},
                      {"full_page_writes", "off"},
                      {"shared_buffers", "'32MB'"}};
  return o;
}

std::string MakeTestDataDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "XXXXXX";
  char* made = ::mkdtemp(tmpl.data());
  if (made == nullptr) return {};
  // The service user must traverse it to reach <dir>/pg (search only).
  ::chmod(made, 0711);
  return made;
}

}  // namespace citadel::db::testing
