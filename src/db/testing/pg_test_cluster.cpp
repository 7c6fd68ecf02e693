#include "db/testing/pg_test_cluster.hpp"

#include <filesystem>
#include <memory>

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

}  // namespace citadel::db::testing
