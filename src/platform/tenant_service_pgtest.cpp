// TenantService against the harness's PostgreSQL: create, list, get, drop,
// refusals, undo on failure, ownership and role attributes, concurrency.
#include "platform/tenant_service.hpp"

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "db/testing/pg_test_cluster.hpp"
#include "platform/tenant_key_creation.hpp"

namespace citadel::platform {
namespace {

using db::testing::PgTestCluster;

TenantServiceOptions TestOptions() {
  TenantServiceOptions o;
  o.data_dir = db::testing::PgTestDataDir();
  o.pbkdf2_rounds = 1000;  // production rounds cost ~0.5 s per create
  o.harden_maintenance_databases = true;
  return o;
}

class TenantServicePg : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = TenantService::Open(PgTestCluster().Access(), TestOptions());
    ASSERT_TRUE(opened) << opened.error().message;
    service_ = std::move(*opened);
  }
  db::Connection Superuser(std::string_view db = "postgres") {
    auto c = db::Connection::Open(PgTestCluster().SuperuserDsn(db));
    EXPECT_TRUE(c) << c.error().message;
    return std::move(*c);
  }
  std::string Scalar(db::Connection& c, db::SqlText sql, const std::string& arg) {
    auto r = c.Execute(sql, arg);
    EXPECT_TRUE(r) << r.error().message;
    return r && r->rows() > 0 ? std::string(r->Get(0, 0).value_or("<null>")) : "<none>";
  }
  int TenantDatabases() {
    auto c = Superuser();
    return std::stoi(Scalar(c, "SELECT count(*) FROM pg_database WHERE datname LIKE $1", "t\\_%"));
  }
  int TenantRoles() {
    auto c = Superuser();
    return std::stoi(Scalar(c, "SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", "t\\_%"));
  }
  TenantRecord MustCreate(const std::string& name) {
    auto t = service_->Create({name, "admin", "a long admin password"});
    EXPECT_TRUE(t) << t.error().message;
    return t ? *t : TenantRecord{};
  }
  std::unique_ptr<TenantService> service_;
};

TEST_F(TenantServicePg, CreateListGetDrop) {
  const auto started = std::chrono::steady_clock::now();
  TenantRecord t = MustCreate("acme");
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
  RecordProperty("tenant_create_ms", static_cast<int>(ms));
  std::cout << "tenant create took " << ms << " ms\n";
  EXPECT_LT(ms, 1000);
  EXPECT_EQ(t.state, "active");
  EXPECT_EQ(t.cluster, "default");
  EXPECT_TRUE(t.db_name.starts_with("t_"));
  EXPECT_EQ(t.db_name.size(), 14u);
  EXPECT_EQ(t.admin_login, "admin");

  auto listed = service_->List();
  ASSERT_TRUE(listed);
  bool found = false;
  for (const auto& r : *listed) found = found || r.name == "acme";
  EXPECT_TRUE(found);
  auto got = service_->Get("acme");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->db_name, t.db_name);
  auto hash = service_->AdminPasswordHash("acme");
  ASSERT_TRUE(hash);
  EXPECT_TRUE(core::PasswordHasher(1000).Verify("a long admin password", *hash).matches);

  // The server's pool reaches the tenant as the tenant's own role.
  auto conn = service_->Acquire("acme");
  ASSERT_TRUE(conn) << conn.error().message;
  auto who = (*conn)->Execute("SELECT current_user, current_database()");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->Get(0, 0), t.role_name);
  EXPECT_EQ(who->Get(0, 1), t.db_name);
  conn = core::Result<db::PooledConnection>(core::Fail(core::ErrorCode::kInternal, "released"));

  auto dropped = service_->Drop("acme");
  ASSERT_TRUE(dropped) << dropped.error().message;
  EXPECT_EQ(dropped->state, "dropped");
  EXPECT_TRUE(dropped->dropped_at.has_value());
  EXPECT_EQ(service_->Get("acme").error().code, core::ErrorCode::kNotFound);
  auto su = Superuser();
  EXPECT_EQ(Scalar(su, "SELECT count(*) FROM pg_database WHERE datname = $1", t.db_name), "0");
  EXPECT_EQ(Scalar(su, "SELECT count(*) FROM pg_roles WHERE rolname = $1", t.role_name), "0");
  auto all = service_->List(true);
  ASSERT_TRUE(all);
  found = false;
  for (const auto& r : *all) found = found || (r.id == t.id && r.state == "dropped");
  EXPECT_TRUE(found) << "the drop is recorded";
  // The name is free again.
  TenantRecord again = MustCreate("acme");
  EXPECT_NE(again.db_name, t.db_name);
}

TEST_F(TenantServicePg, BadNamesChangeNothing) {
  const int dbs = TenantDatabases();
  const auto before = service_->List(true);
  ASSERT_TRUE(before);
  for (const char* name : {"Bad Name", "www", "-lead", "trail-", "", "x'; DROP DATABASE x; --",
                           "catalog"}) {
    auto t = service_->Create({name, "admin", "pw"});
    ASSERT_FALSE(t) << name;
    EXPECT_EQ(t.error().code, core::ErrorCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(TenantDatabases(), dbs);
  EXPECT_EQ(service_->List(true)->size(), before->size());
}

TEST_F(TenantServicePg, DuplicateNameIsRefused) {
  MustCreate("dup");
  const int dbs = TenantDatabases();
  const int roles = TenantRoles();
  auto second = service_->Create({"dup", "admin", "pw"});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(TenantDatabases(), dbs);
  EXPECT_EQ(TenantRoles(), roles);
}

TEST_F(TenantServicePg, UnknownTenantCannotBeDropped) {
  auto r = service_->Drop("never-existed");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
}

TEST_F(TenantServicePg, FailedCreateLeavesNoHalfTenant) {
  const int dbs = TenantDatabases();
  const int roles = TenantRoles();
  auto su = Superuser();
  ASSERT_TRUE(su.Execute("ALTER DATABASE citadel_template RENAME TO citadel_template_away"));
  auto t = service_->Create({"half", "admin", "pw"});
  ASSERT_TRUE(su.Execute("ALTER DATABASE citadel_template_away RENAME TO citadel_template"));
  ASSERT_FALSE(t);
  EXPECT_EQ(TenantDatabases(), dbs);
  EXPECT_EQ(TenantRoles(), roles) << "the role made before the failure is dropped";
  EXPECT_EQ(service_->Get("half").error().code, core::ErrorCode::kNotFound);
  EXPECT_TRUE(service_->Create({"half", "admin", "pw"})) << "the name was not left taken";
}

TEST_F(TenantServicePg, DropEndsTheTenantsSessions) {
  TenantRecord t = MustCreate("victim");
  auto dsn = service_->TenantDsn("victim");
  ASSERT_TRUE(dsn);
  auto direct = db::Connection::Open(*dsn);
  ASSERT_TRUE(direct) << direct.error().message;
  auto pooled = service_->Acquire("victim");
  ASSERT_TRUE(pooled);
  ASSERT_TRUE(service_->Drop("victim"));
  EXPECT_FALSE(direct->Execute("SELECT 1"));
  EXPECT_FALSE((*pooled)->Execute("SELECT 1"));
  EXPECT_FALSE(db::Connection::Open(*dsn, std::chrono::seconds(2)));
  EXPECT_FALSE(service_->Acquire("victim"));
}

TEST_F(TenantServicePg, TemplateObjectsBelongToTheTenantRole) {
  TenantRecord t = MustCreate("owner-check");
  auto tdb = Superuser(t.db_name);
  EXPECT_EQ(Scalar(tdb, "SELECT tableowner FROM pg_tables WHERE tablename = $1", "citadel_meta"),
            t.role_name);
  EXPECT_EQ(Scalar(tdb,
                   "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                   "WHERE r.rolname = $1",
                   "citadel_template"),
            "0");
  auto su = Superuser();
  EXPECT_EQ(Scalar(su,
                   "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1",
                   t.db_name),
            t.role_name);
  // REASSIGN OWNED must not have handed the template itself to the tenant.
  EXPECT_NE(Scalar(su, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1",
                   "citadel_template"),
            t.role_name);
  // The tenant reads its own copy of the template's table.
  auto conn = service_->Acquire("owner-check");
  ASSERT_TRUE(conn);
  auto meta = (*conn)->Execute("SELECT value FROM citadel_meta WHERE key = 'template_schema_version'");
  ASSERT_TRUE(meta) << meta.error().message;
  EXPECT_EQ(meta->Get(0, 0), "1");
}

TEST_F(TenantServicePg, TenantRoleHasNoPowers) {
  TenantRecord t = MustCreate("powerless");
  auto su = Superuser();
  auto r = su.Execute(
      "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolinherit, "
      "rolcanlogin, rolconnlimit FROM pg_roles WHERE rolname = $1",
      t.role_name);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->rows(), 1);
  EXPECT_EQ(r->Get(0, "rolsuper"), "f");
  EXPECT_EQ(r->Get(0, "rolcreatedb"), "f");
  EXPECT_EQ(r->Get(0, "rolcreaterole"), "f");
  EXPECT_EQ(r->Get(0, "rolreplication"), "f");
  EXPECT_EQ(r->Get(0, "rolbypassrls"), "f");
  EXPECT_EQ(r->Get(0, "rolinherit"), "f");
  EXPECT_EQ(r->Get(0, "rolcanlogin"), "t");
  EXPECT_EQ(r->Get(0, "rolconnlimit"), "15");
  for (const char* powerful : {"pg_read_server_files", "pg_write_server_files",
                               "pg_execute_server_program", "pg_monitor", "pg_read_all_data",
                               "pg_write_all_data", "pg_signal_backend", "citadel_template",
                               "citadel"}) {
    auto m = su.Execute("SELECT pg_has_role($1, $2, 'MEMBER')", t.role_name, powerful);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->Get(0, 0), "f") << t.role_name << " is a member of " << powerful;
  }
  EXPECT_EQ(Scalar(su,
                   "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                   "WHERE r.rolname = $1",
                   t.role_name),
            "0");
}

TEST_F(TenantServicePg, OpenIsIdempotentAndSafeConcurrently) {
  auto open = [] { return TenantService::Open(PgTestCluster().Access(), TestOptions()).has_value(); };
  auto a = std::async(std::launch::async, open);
  auto b = std::async(std::launch::async, open);
  EXPECT_TRUE(a.get());
  EXPECT_TRUE(b.get());
  auto catalog = Superuser("citadel_catalog");
  // Every migration recorded exactly once, however many processes raced.
  // (Numbers may have gaps: parallel work reserves them, e.g. 10 before 9.)
  EXPECT_EQ(Scalar(catalog,
                   "SELECT (count(*) = count(DISTINCT version) AND count(*) >= 8)::text "
                   "FROM schema_version WHERE version >= $1::int",
                   "1"),
            "true");
  EXPECT_TRUE(service_->CatalogHealthy());
}

TEST_F(TenantServicePg, ConcurrentCreatesOfDifferentTenants) {
  std::vector<std::future<bool>> creates;
  for (int i = 0; i < 4; ++i) {
    creates.push_back(std::async(std::launch::async, [this, i] {
      auto t = service_->Create({"parallel-" + std::to_string(i), "admin", "pw"});
      if (!t) ADD_FAILURE() << t.error().message;
      return t.has_value();
    }));
  }
  for (auto& f : creates) EXPECT_TRUE(f.get());
}

// The module hooks (TenantModuleHooks): the template's install runs once per
// set of versions, as the template role, and what it makes belongs to each
// tenant; the tenant's initialisation runs as the tenant's role with the
// stored hash; a failing one leaves no half tenant.
TEST_F(TenantServicePg, TemplateModulesInstalledOncePerVersionsAsTheTemplateRole) {
  int installs = 0;
  std::string installed_as;
  TenantServiceOptions options = TestOptions();
  options.modules.versions = "hooktest=" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  options.modules.install_template = [&](db::Connection& tpl) -> core::Result<void> {
    ++installs;
    auto who = tpl.Execute("SELECT current_user");
    if (!who) return core::Unexpected(who.error());
    installed_as = std::string(who->Get(0, 0).value_or(""));
    auto made = tpl.Execute("CREATE TABLE IF NOT EXISTS hook_made (id serial PRIMARY KEY, note text)");
    if (!made) return core::Unexpected(made.error());
    return {};
  };
  {
    auto first = TenantService::Open(PgTestCluster().Access(), options);
    ASSERT_TRUE(first) << first.error().message;
  }
  EXPECT_EQ(installs, 1);
  EXPECT_EQ(installed_as, "citadel_template");
  auto again = TenantService::Open(PgTestCluster().Access(), options);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(installs, 1) << "same versions: a restart does not reinstall";
  options.modules.versions += ".1";
  {
    auto upgraded = TenantService::Open(PgTestCluster().Access(), options);
    ASSERT_TRUE(upgraded) << upgraded.error().message;
  }
  EXPECT_EQ(installs, 2) << "other versions: the template is upgraded";

  auto t = (*again)->Create({"hooked", "admin", "a long admin password"});
  ASSERT_TRUE(t) << t.error().message;
  auto tdb = Superuser(t->db_name);
  EXPECT_EQ(Scalar(tdb, "SELECT tableowner FROM pg_tables WHERE tablename = $1", "hook_made"), t->role_name);
  auto conn = (*again)->Acquire("hooked");
  ASSERT_TRUE(conn);
  EXPECT_TRUE((*conn)->Execute("INSERT INTO hook_made (note) VALUES ('tenant writes its own table')"));
}

TEST_F(TenantServicePg, FailingTemplateInstallFailsOpenAndRecordsNothing) {
  TenantServiceOptions options = TestOptions();
  options.modules.versions = "broken=1";
  options.modules.install_template = [](db::Connection& tpl) -> core::Result<void> {
    (void)tpl.Execute("CREATE TABLE half_installed (id int)");
    return core::Fail(core::ErrorCode::kInvalidArgument, "module broken: bad data");
  };
  auto opened = TenantService::Open(PgTestCluster().Access(), options);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("module broken: bad data"), std::string::npos);
  auto tpl = Superuser("citadel_template");
  EXPECT_EQ(Scalar(tpl, "SELECT count(*) FROM pg_tables WHERE tablename = $1", "half_installed"), "0");
  EXPECT_NE(Scalar(tpl, "SELECT coalesce(max(value), '') FROM citadel_meta WHERE key = $1", "template_modules"),
            "broken=1");
}

TEST_F(TenantServicePg, InitializeTenantRunsAsTheTenantRoleWithTheStoredHash) {
  std::string role, hash, login;
  TenantServiceOptions options = TestOptions();
  options.modules.initialize_tenant = [&](db::Connection& tenant_db, const CreateTenantRequest& request,
                                          std::string_view admin_hash) -> core::Result<void> {
    auto who = tenant_db.Execute("SELECT current_user");
    if (!who) return core::Unexpected(who.error());
    role = std::string(who->Get(0, 0).value_or(""));
    hash = std::string(admin_hash);
    login = request.admin_login;
    return {};
  };
  auto service = TenantService::Open(PgTestCluster().Access(), options);
  ASSERT_TRUE(service) << service.error().message;
  auto t = (*service)->Create({"initialized", "boss", "the admin's password"});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(role, t->role_name);
  EXPECT_EQ(login, "boss");
  EXPECT_TRUE(core::PasswordHasher(1000).Verify("the admin's password", hash).matches);
  EXPECT_EQ(hash.find("the admin's password"), std::string::npos);
}

TEST_F(TenantServicePg, FailedInitializationLeavesNoHalfTenant) {
  const int dbs = TenantDatabases();
  const int roles = TenantRoles();
  TenantServiceOptions options = TestOptions();
  options.modules.initialize_tenant = [](db::Connection&, const CreateTenantRequest&,
                                         std::string_view) -> core::Result<void> {
    return core::Fail(core::ErrorCode::kInternal, "no admin user in the template");
  };
  auto service = TenantService::Open(PgTestCluster().Access(), options);
  ASSERT_TRUE(service) << service.error().message;
  auto t = (*service)->Create({"uninitialized", "admin", "pw"});
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("no admin user in the template"), std::string::npos);
  EXPECT_EQ(TenantDatabases(), dbs);
  EXPECT_EQ(TenantRoles(), roles);
  EXPECT_EQ(service_->Get("uninitialized").error().code, core::ErrorCode::kNotFound);
}

// Every new tenant gets its key (which seals its file store) before it is
// active; a key that cannot be made undoes the tenant; dropping it removes
// its file store directory.
TEST_F(TenantServicePg, CreateMakesTheTenantKeyAndDropRemovesTheFileStore) {
  const std::string dir = db::testing::MakeTestDataDir("tkey-");
  BackupServiceOptions backup_options;
  backup_options.key_directory = dir + "/keys";
  backup_options.master_key_path = dir + "/master.key";
  backup_options.create_master_key = true;
  TenantServiceOptions options = TestOptions();
  options.create_tenant_key = MakeTenantKeyCreator(backup_options);
  options.file_store_root = dir + "/filestore";
  auto service = TenantService::Open(PgTestCluster().Access(), options);
  ASSERT_TRUE(service) << service.error().message;
  auto t = (*service)->Create({"keyed", "admin", "a long admin password"});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(std::filesystem::exists(dir + "/keys/" + t->db_name + ".key"));
  std::filesystem::create_directories(dir + "/filestore/" + t->db_name + "/ab");
  std::ofstream(dir + "/filestore/" + t->db_name + "/ab/sealed") << "sealed bytes";
  ASSERT_TRUE((*service)->Drop("keyed"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/filestore/" + t->db_name));

  // No master key to be had (a configured file that is missing): refused, undone.
  const int dbs = TenantDatabases();
  backup_options.master_key_path = dir + "/no-such.key";
  backup_options.create_master_key = false;
  options.create_tenant_key = MakeTenantKeyCreator(backup_options);
  auto strict = TenantService::Open(PgTestCluster().Access(), options);
  ASSERT_TRUE(strict) << strict.error().message;
  auto refused = (*strict)->Create({"keyless", "admin", "a long admin password"});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("making the tenant's key"), std::string::npos) << refused.error().message;
  EXPECT_EQ(TenantDatabases(), dbs);
  EXPECT_EQ(service_->Get("keyless").error().code, core::ErrorCode::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace citadel::platform
