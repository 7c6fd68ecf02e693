// Tenant isolation: with arbitrary SQL on tenant alpha's own connection (what
// an SQL injection in alpha's application would give), nothing reaches
// tenant beta, the catalog, the server's files or programs, or more powers.
// Each attack is its own assertion naming what it tried; the control tests
// show the same statements succeed as superuser, so this test can fail.
#include <string>

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "db/conninfo.hpp"
#include "db/connection.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "platform/tenant_service.hpp"

namespace citadel {
namespace {

using db::testing::PgTestCluster;

// The attacker's arbitrary SQL, sent as text: deliberately not through
// SqlText, which exists so that product code can never do this.
struct Outcome {
  bool ok = false;
  std::string sqlstate;
  std::string text;
};

Outcome RawSql(db::Connection& conn, const std::string& sql) {
  PGresult* r = PQexec(conn.native_handle(), sql.c_str());
  Outcome o;
  const auto status = PQresultStatus(r);
  o.ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) o.sqlstate = s;
  for (int row = 0; row < PQntuples(r); ++row) {
    for (int col = 0; col < PQnfields(r); ++col) {
      if (!PQgetisnull(r, row, col)) o.text += std::string(PQgetvalue(r, row, col)) + "\n";
    }
  }
  PQclear(r);
  return o;
}

class TenantIsolation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform::TenantServiceOptions o;
    o.data_dir = db::testing::PgTestDataDir();
    o.pbkdf2_rounds = 1000;
    o.harden_maintenance_databases = true;  // as for the embedded cluster
    auto opened = platform::TenantService::Open(PgTestCluster().Access(), o);
    ASSERT_TRUE(opened) << opened.error().message;
    service_ = opened->release();
    for (const char* name : {"alpha", "beta"}) {
      auto t = service_->Create({name, "admin", "the admin's password"});
      ASSERT_TRUE(t) << t.error().message;
    }
    alpha_ = *service_->Get("alpha");
    beta_ = *service_->Get("beta");
  }
  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
  }

  void SetUp() override {
    auto dsn = service_->TenantDsn("alpha");
    ASSERT_TRUE(dsn);
    auto conn = db::Connection::Open(*dsn);
    ASSERT_TRUE(conn) << conn.error().message;
    alpha_conn_ = std::move(*conn);
    ASSERT_EQ(RawSql(alpha_conn_, "SELECT current_user").text, alpha_.role_name + "\n");
  }

  static std::string AlphaPassword() {
    auto info = db::ParseConnInfo(*service_->TenantDsn("alpha"));
    for (const auto& [k, v] : *info) {
      if (k == "password") return v;
    }
    return {};
  }

  static db::Connection Superuser(const std::string& dbname) {
    return std::move(*db::Connection::Open(PgTestCluster().SuperuserDsn(dbname)));
  }

  // Refused with insufficient_privilege (42501) unless `sqlstate` says otherwise.
  void ExpectRefused(const std::string& attack, const std::string& sql,
                     const std::string& sqlstate = "42501") {
    Outcome o = RawSql(alpha_conn_, sql);
    EXPECT_FALSE(o.ok) << "ATTACK SUCCEEDED as alpha: " << attack << "\n  SQL: " << sql
                       << "\n  result: " << o.text;
    EXPECT_EQ(o.sqlstate, sqlstate) << "attack refused for an unexpected reason: " << attack;
  }

  void ExpectCannotConnect(const std::string& attack, const std::string& dbname,
                           const std::string& role, const std::string& password) {
    auto conn = db::Connection::Open(PgTestCluster().Access()->LoginDsn(dbname, role, password),
                                     std::chrono::seconds(3));
    EXPECT_FALSE(conn) << "ATTACK SUCCEEDED: " << attack;
  }

  static inline platform::TenantService* service_ = nullptr;
  static inline platform::TenantRecord alpha_;
  static inline platform::TenantRecord beta_;
  db::Connection alpha_conn_;
};

TEST_F(TenantIsolation, AlphaCannotConnectOutsideItsDatabase) {
  const std::string pw = AlphaPassword();
  ASSERT_FALSE(pw.empty());
  ExpectCannotConnect("connect to beta's database with alpha's credentials", beta_.db_name,
                      alpha_.role_name, pw);
  ExpectCannotConnect("connect to citadel_catalog as alpha", "citadel_catalog", alpha_.role_name, pw);
  ExpectCannotConnect("connect to citadel_template as alpha", "citadel_template", alpha_.role_name, pw);
  ExpectCannotConnect("connect to postgres as alpha", "postgres", alpha_.role_name, pw);
  ExpectCannotConnect("connect to template1 as alpha", "template1", alpha_.role_name, pw);
  ExpectCannotConnect("connect as beta's role with alpha's password", beta_.db_name,
                      beta_.role_name, pw);
}

TEST_F(TenantIsolation, ControlTheSameDsnShapeWorksForTheRightTenant) {
  auto beta = db::Connection::Open(*service_->TenantDsn("beta"));
  EXPECT_TRUE(beta) << "beta's own credentials must reach beta's database";
}

TEST_F(TenantIsolation, AlphaCannotRunProgramsOrTouchServerFiles) {
  ExpectRefused("COPY TO PROGRAM", "COPY (SELECT 1) TO PROGRAM 'id'");
  ASSERT_TRUE(RawSql(alpha_conn_, "CREATE TABLE IF NOT EXISTS loot (line text)").ok);
  ExpectRefused("COPY FROM PROGRAM", "COPY loot FROM PROGRAM 'id'");
  ExpectRefused("COPY FROM a server file", "COPY loot FROM '/etc/passwd'");
  ExpectRefused("COPY TO a server file", "COPY loot TO '/tmp/citadel-pwned'");
  ExpectRefused("pg_read_file", "SELECT pg_read_file('/etc/passwd')");
  ExpectRefused("pg_read_binary_file", "SELECT pg_read_binary_file('/etc/passwd')");
  ExpectRefused("pg_ls_dir", "SELECT pg_ls_dir('.')");
  ExpectRefused("pg_stat_file", "SELECT pg_stat_file('postgresql.conf')");
  ExpectRefused("lo_import", "SELECT lo_import('/etc/passwd')");
  ExpectRefused("lo_export", "SELECT lo_export(lo_create(0), '/tmp/citadel-pwned')");
  ExpectRefused("LOAD a library", "LOAD '/usr/lib/postgresql/15/lib/dblink.so'");
}

TEST_F(TenantIsolation, AlphaCannotInstallUntrustedExtensions) {
  ExpectRefused("CREATE EXTENSION dblink", "CREATE EXTENSION dblink");
  ExpectRefused("CREATE EXTENSION postgres_fdw", "CREATE EXTENSION postgres_fdw");
  ExpectRefused("CREATE EXTENSION file_fdw", "CREATE EXTENSION file_fdw");
  ExpectRefused("CREATE EXTENSION adminpack", "CREATE EXTENSION adminpack");
}

TEST_F(TenantIsolation, AlphaCannotGainPowersOrBecomeAnotherRole) {
  ExpectRefused("ALTER ROLE beta PASSWORD",
                "ALTER ROLE " + beta_.role_name + " PASSWORD 'taken-over'");
  ExpectRefused("ALTER ROLE alpha SUPERUSER", "ALTER ROLE " + alpha_.role_name + " SUPERUSER");
  ExpectRefused("ALTER ROLE alpha CREATEDB", "ALTER ROLE " + alpha_.role_name + " CREATEDB");
  ExpectRefused("ALTER ROLE alpha BYPASSRLS", "ALTER ROLE " + alpha_.role_name + " BYPASSRLS");
  ExpectRefused("SET ROLE beta", "SET ROLE " + beta_.role_name);
  ExpectRefused("SET ROLE citadel", "SET ROLE citadel");
  ExpectRefused("SET ROLE citadel_template", "SET ROLE citadel_template");
  ExpectRefused("SET SESSION AUTHORIZATION beta", "SET SESSION AUTHORIZATION " + beta_.role_name);
  ExpectRefused("SET SESSION AUTHORIZATION citadel", "SET SESSION AUTHORIZATION citadel");
  ExpectRefused("GRANT pg_read_server_files to self",
                "GRANT pg_read_server_files TO " + alpha_.role_name);
  ExpectRefused("GRANT pg_execute_server_program to self",
                "GRANT pg_execute_server_program TO " + alpha_.role_name);
  ExpectRefused("GRANT beta's role to self", "GRANT " + beta_.role_name + " TO " + alpha_.role_name);
  ExpectRefused("CREATE ROLE", "CREATE ROLE sneaky LOGIN PASSWORD 'x'");
  ExpectRefused("CREATE DATABASE", "CREATE DATABASE sneaky");
  ExpectRefused("ALTER SYSTEM", "ALTER SYSTEM SET listen_addresses = '*'");
  ExpectRefused("read pg_authid (password verifiers)", "SELECT rolpassword FROM pg_authid");
  ExpectRefused("CREATE TABLE in pg_catalog", "CREATE TABLE pg_catalog.x (a int)");
  ExpectRefused("DROP DATABASE beta", "DROP DATABASE " + beta_.db_name);
}

TEST_F(TenantIsolation, AlphaCannotTouchBetasSessions) {
  auto beta = service_->Acquire("beta");
  ASSERT_TRUE(beta) << beta.error().message;
  const std::string pid = std::to_string((*beta)->BackendPid());
  ExpectRefused("pg_terminate_backend on beta's session", "SELECT pg_terminate_backend(" + pid + ")");
  ExpectRefused("pg_cancel_backend on beta's session", "SELECT pg_cancel_backend(" + pid + ")");
  EXPECT_TRUE((*beta)->Execute("SELECT 1")) << "beta's session must survive";
}

TEST_F(TenantIsolation, CatalogViewsRevealNoTenantNames) {
  for (const char* query : {"SELECT datname FROM pg_database",
                            "SELECT rolname FROM pg_roles",
                            "SELECT description FROM pg_shdescription",
                            "SELECT coalesce(usename, '') || ' ' || coalesce(datname, '') || ' ' || "
                            "application_name FROM pg_stat_activity"}) {
    Outcome o = RawSql(alpha_conn_, query);
    ASSERT_TRUE(o.ok) << query;
    EXPECT_EQ(o.text.find("alpha"), std::string::npos) << query << " reveals 'alpha'";
    EXPECT_EQ(o.text.find("beta"), std::string::npos) << query << " reveals 'beta'";
  }
  // The opaque names are visible, and they are all anyone sees.
  EXPECT_NE(RawSql(alpha_conn_, "SELECT datname FROM pg_database").text.find(beta_.db_name),
            std::string::npos);
}

TEST_F(TenantIsolation, ControlTheAttacksWorkAsSuperuser) {
  // Same statements, same database, as the superuser: they succeed, so the
  // refusals above come from alpha's role and not from a broken setup.
  db::Connection su = Superuser(alpha_.db_name);
  EXPECT_TRUE(RawSql(su, "COPY (SELECT 1) TO PROGRAM 'id'").ok);
  Outcome passwd = RawSql(su, "SELECT pg_read_file('/etc/passwd')");
  EXPECT_TRUE(passwd.ok);
  EXPECT_NE(passwd.text.find("root:"), std::string::npos);
  EXPECT_TRUE(RawSql(su, "CREATE EXTENSION dblink").ok);
  EXPECT_TRUE(RawSql(su, "DROP EXTENSION dblink").ok);
  EXPECT_TRUE(RawSql(su, "SET ROLE " + beta_.role_name).ok);
}

}  // namespace
}  // namespace citadel
