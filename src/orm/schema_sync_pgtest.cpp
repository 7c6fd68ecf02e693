// SchemaSync against a real PostgreSQL: the first sync creates exactly
// Odoo's layout, a second one does nothing, concurrent syncs serialise, and
// the transaction rules hold.
#include "orm/schema_sync.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "orm/schema_pgtest_support.hpp"

namespace citadel::orm {
namespace {

using namespace schema_testing;

std::vector<std::string> IndexDefinitions(db::Connection& connection, const std::string& table) {
  auto r = connection.Execute(
      "SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname", table);
  EXPECT_TRUE(r) << r.error().message;
  std::vector<std::string> out;
  for (int i = 0; r && i < r->rows(); ++i) out.push_back(r->Text(i, "indexdef"));
  return out;
}

TEST(SchemaSyncPg, FirstSyncCreatesOdoosTablesColumnsKeysAndIndexes) {
  db::Connection connection = FreshDatabase("schema_first_sync");
  SchemaSyncReport report = SyncOrFail(MakeSync(BaseModels()), connection);
  EXPECT_TRUE(report.changed());
  EXPECT_TRUE(Contains(report.declaration_warnings, "check_name"))
      << "check constraints are reported, not installed";

  const std::map<std::string, std::string> partner = {
      {"id", "int4 NOT NULL"},
      {"name", "varchar NULL"},
      {"ref", "varchar(8) NULL"},
      {"comment", "text NULL"},
      {"website_description", "text NULL"},
      {"color", "int4 NULL"},
      {"partner_latitude", "float8 NULL"},
      {"amount", "numeric NULL"},
      {"credit_limit", "numeric NULL"},
      {"active", "bool NULL"},
      {"date", "date NULL"},
      {"last_seen", "timestamp NULL"},
      {"type", "varchar NULL"},
      {"parent_id", "int4 NULL"},
      {"country_id", "int4 NULL"},
      {"user_id", "int4 NULL"},
      {"create_uid", "int4 NULL"},
      {"write_uid", "int4 NULL"},
      {"create_date", "timestamp NULL"},
      {"write_date", "timestamp NULL"},
      {"image_1920", "text NULL"},  // binary: the file store reference
  };
  EXPECT_EQ(Columns(connection, "res_partner"), partner);
  EXPECT_EQ(Columns(connection, "res_users"),
            (std::map<std::string, std::string>{{"id", "int4 NOT NULL"},
                                                {"login", "varchar NOT NULL"},
                                                {"create_uid", "int4 NULL"},
                                                {"write_uid", "int4 NULL"},
                                                {"create_date", "timestamp NULL"},
                                                {"write_date", "timestamp NULL"}}));
  auto serial = connection.Execute(
      "SELECT column_default FROM information_schema.columns WHERE table_name = 'res_partner' AND "
      "column_name = 'id'");
  ASSERT_TRUE(serial);
  EXPECT_EQ(serial->Text(0, "column_default"), "nextval('res_partner_id_seq'::regclass)");

  EXPECT_EQ(ForeignKeys(connection, "res_partner"),
            (std::map<std::string, std::string>{
                {"parent_id", "res_partner(id) c res_partner_parent_id_fkey"},
                {"country_id", "res_country(id) r res_partner_country_id_fkey"},
                {"user_id", "res_users(id) n res_partner_user_id_fkey"},
                {"create_uid", "res_users(id) n res_partner_create_uid_fkey"},
                {"write_uid", "res_users(id) n res_partner_write_uid_fkey"}}));
  EXPECT_EQ(ForeignKeys(connection, "res_users"),
            (std::map<std::string, std::string>{
                {"create_uid", "res_users(id) n res_users_create_uid_fkey"},
                {"write_uid", "res_users(id) n res_users_write_uid_fkey"}}));

  const std::string link = "res_partner_res_partner_category_rel";
  EXPECT_EQ(Columns(connection, link),
            (std::map<std::string, std::string>{{"res_partner_id", "int4 NOT NULL"},
                                                {"res_partner_category_id", "int4 NOT NULL"}}));
  auto link_keys = ForeignKeys(connection, link);
  EXPECT_EQ(link_keys["res_partner_id"].substr(0, 17), "res_partner(id) c");
  EXPECT_EQ(link_keys["res_partner_category_id"].substr(0, 26), "res_partner_category(id) c");
  auto link_indexes = IndexDefinitions(connection, link);
  EXPECT_TRUE(Contains(link_indexes, "UNIQUE INDEX " + link + "_pkey ON public." + link +
                                         " USING btree (res_partner_id, res_partner_category_id)"));
  EXPECT_TRUE(Contains(link_indexes, "USING btree (res_partner_category_id, res_partner_id)"));

  auto indexes = IndexDefinitions(connection, "res_partner");
  EXPECT_TRUE(Contains(
      indexes, "CREATE UNIQUE INDEX res_partner_pkey ON public.res_partner USING btree (id)"));
  EXPECT_TRUE(Contains(
      indexes, "CREATE INDEX res_partner__name_index ON public.res_partner USING btree (name)"));
  auto unique = connection.Execute(
      "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = "
      "'res_users_login_key'");
  ASSERT_TRUE(unique);
  ASSERT_EQ(unique->rows(), 1);
  EXPECT_EQ(unique->Text(0, "def"), "UNIQUE (login)");
  auto tables = connection.Execute(
      "SELECT string_agg(table_name, ',' ORDER BY table_name) AS t FROM information_schema.tables "
      "WHERE table_schema = 'public'");
  ASSERT_TRUE(tables);
  EXPECT_EQ(tables->Text(0, "t"),
            "res_country,res_partner,res_partner_category," + link + ",res_users");
}

TEST(SchemaSyncPg, SecondSyncIsANoOp) {
  db::Connection connection = FreshDatabase("schema_second_sync");
  SchemaSync sync = MakeSync(BaseModels());
  SyncOrFail(sync, connection);
  const std::string before = Fingerprint(connection);
  auto start = std::chrono::steady_clock::now();
  SchemaSyncReport again = SyncOrFail(sync, connection);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(again.applied.empty()) << again.applied.front();
  EXPECT_EQ(Fingerprint(connection), before);
  auto preview = sync.Preview(connection);
  ASSERT_TRUE(preview);
  EXPECT_TRUE(preview->changes.empty());
  std::cout << "[ timing ] no-op sync of 5 tables: "
            << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() << " us\n";
}

TEST(SchemaSyncPg, ConcurrentSyncsOfOneDatabaseRunOneAfterTheOther) {
  db::Connection first = FreshDatabase("schema_concurrent");
  db::Connection second = Connect("schema_concurrent");
  db::Connection gate = Connect("schema_concurrent");
  SchemaSync sync = MakeSync(BaseModels());
  // Hold the sync's lock so that both runs are surely waiting on it at once.
  ASSERT_TRUE(gate.Execute("BEGIN"));
  ASSERT_TRUE(gate.Execute("SELECT pg_advisory_xact_lock(hashtext('citadel.schema_sync'))"));
  core::Result<SchemaSyncReport> a = core::Fail(core::ErrorCode::kInternal, "not run");
  core::Result<SchemaSyncReport> b = core::Fail(core::ErrorCode::kInternal, "not run");
  std::thread one([&] { a = sync.Run(first); });
  std::thread two([&] { b = sync.Run(second); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(gate.Execute("COMMIT"));
  one.join();
  two.join();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  // Whoever got the lock first did everything; the other found it done.
  EXPECT_TRUE(a->applied.empty() != b->applied.empty());
}

TEST(SchemaSyncPg, TransactionRules) {
  db::Connection connection = FreshDatabase("schema_transactions");
  SchemaSync sync = MakeSync(BaseModels());
  auto outside = sync.RunInTransaction(connection);
  ASSERT_FALSE(outside);
  EXPECT_NE(outside.error().message.find("needs a transaction"), std::string::npos);

  ASSERT_TRUE(connection.Execute("BEGIN"));
  auto not_idle = sync.Run(connection);
  ASSERT_FALSE(not_idle);
  EXPECT_NE(not_idle.error().message.find("idle connection"), std::string::npos);
  // Inside the caller's transaction, rolled back with it.
  auto inside = sync.RunInTransaction(connection);
  ASSERT_TRUE(inside) << inside.error().message;
  EXPECT_TRUE(inside->changed());
  ASSERT_TRUE(connection.Execute("ROLLBACK"));
  EXPECT_TRUE(Columns(connection, "res_partner").empty());

  // A failure in the middle leaves nothing behind: a composite type named
  // res_partner makes that CREATE TABLE fail, after res_users was created.
  ASSERT_TRUE(connection.Execute("CREATE TYPE res_partner AS (x integer)"));
  auto failed = sync.Run(connection);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("create table res_partner"), std::string::npos)
      << failed.error().message;
  EXPECT_TRUE(connection.IsReusable());
  EXPECT_TRUE(Columns(connection, "res_users").empty())
      << "created before the failure, rolled back with it";
}

}  // namespace
}  // namespace citadel::orm
