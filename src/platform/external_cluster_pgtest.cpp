// TenantService on an "external" cluster reached by an operator's DSN:
// once with a superuser DSN, once with a role that has only CREATEROLE and
// CREATEDB, on a fresh cluster it bootstraps itself.
#include <filesystem>

#include <gtest/gtest.h>

#include "db/conninfo.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {
namespace {

void CreateUseAndDrop(std::shared_ptr<const db::ClusterAccess> access, const std::string& data_dir,
                      const std::string& name) {
  TenantServiceOptions o;
  o.data_dir = data_dir;
  o.pbkdf2_rounds = 1000;
  auto service = TenantService::Open(std::move(access), o);
  ASSERT_TRUE(service) << service.error().message;
  auto created = (*service)->Create({name, "admin", "pw"});
  ASSERT_TRUE(created) << created.error().message;
  auto conn = (*service)->Acquire(name);
  ASSERT_TRUE(conn) << conn.error().message;
  auto who = (*conn)->Execute("SELECT current_user, (SELECT tableowner FROM pg_tables "
                              "WHERE tablename = 'citadel_meta')");
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->Get(0, 0), created->role_name);
  EXPECT_EQ(who->Get(0, 1), created->role_name);
  conn = core::Result<db::PooledConnection>(core::Fail(core::ErrorCode::kInternal, "released"));
  auto dropped = (*service)->Drop(name);
  ASSERT_TRUE(dropped) << dropped.error().message;
  EXPECT_EQ(dropped->state, "dropped");
}

TEST(ExternalClusterPg, SuperuserDsn) {
  auto& cluster = db::testing::PgTestCluster();
  auto access = db::ExternalClusterAccess::Make(cluster.SuperuserDsn("postgres"), "default");
  ASSERT_TRUE(access);
  CreateUseAndDrop(std::shared_ptr<const db::ClusterAccess>(std::move(*access)),
                   db::testing::PgTestDataDir(), "external-super");
}

TEST(ExternalClusterPg, CreateRoleCreateDbProvisionerOnAFreshCluster) {
  const std::string dir = db::testing::MakeTestDataDir("cxt-");
  {
    db::EmbeddedCluster cluster(db::testing::TestClusterOptions(dir));
    ASSERT_TRUE(cluster.Start());
    auto su = db::Connection::Open(cluster.SuperuserDsn("postgres"));
    ASSERT_TRUE(su);
    ASSERT_TRUE(su->Execute("CREATE ROLE provisioner LOGIN CREATEROLE CREATEDB "
                            "PASSWORD 'provisioner-password'"));
    db::ConnInfo info = {{"host", cluster.SocketDirectory()},
                         {"port", "5432"},
                         {"user", "provisioner"},
                         {"password", "provisioner-password"},
                         {"dbname", "postgres"}};
    auto access = db::ExternalClusterAccess::Make(db::FormatConnInfo(info), "default");
    ASSERT_TRUE(access);
    CreateUseAndDrop(std::shared_ptr<const db::ClusterAccess>(std::move(*access)), dir,
                     "external-limited");
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace citadel::platform
