// SQL injection through every public ORM method, against base and contacts
// installed in a real PostgreSQL that logs every statement it runs.
//
// The promise: "SQL injections are prevented by a higher-level API". Each
// payload below (from sqlmap's boundaries and payloads and OWASP's testing
// guide: tautologies, stacked queries, UNION, time-based blind, comment and
// quote tricks, casts, dollar quoting, PostgreSQL's COPY ... TO PROGRAM) is
// sent in every place a client controls: domain values, field names,
// operators, order strings, groupby specs, vals keys and values, context keys
// and values, method and model names, and the arguments of name_search,
// name_create, default_get, fields_get, copy and the check_access family.
//
// What must hold, for every call:
//   1. it answers with a value or one of Odoo's user-facing errors (never a
//      database error: a payload that changed the SQL would make one);
//   2. nothing was dropped, and no row exists that the calls did not create;
//   3. with log_statement=all, the text of every statement PostgreSQL ran
//      (the "statement:" / "execute" lines, and the STATEMENT lines of
//      errors) never contains a payload: values appear only in the DETAIL
//      lines that list bound parameters.
// Every payload carries the marker kMarker, so (3) is a plain search.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "modules/base/base_module.hpp"
#include "modules/contacts/contacts_module.hpp"
#include "db/connection.hpp"
#include "db/identifier.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "db/utility_statement.hpp"
#include "orm/environment.hpp"
#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/module_installer.hpp"
#include "orm/module_set.hpp"
#include "orm/transaction_runner.hpp"

namespace citadel {
namespace {

using orm::Value;

constexpr const char* kDatabase = "orm_injection";
constexpr const char* kMarker = "Zq9x";
constexpr std::int64_t kAdminUid = 2;  // base.user_admin

std::vector<std::string> Payloads() {
  const std::vector<std::string> attacks = {
      "' OR '1'='1",
      "\" OR \"1\"=\"1",
      "') OR ('1'='1",
      "1 OR 1=1",
      "1) OR (1=1",
      "' OR 1=1--",
      "'; DROP TABLE res_partner; --",
      "\"; DROP TABLE res_partner; --",
      "1; SELECT pg_sleep(5)--",
      "' AND 1=CAST((SELECT version()) AS int)--",
      "' UNION ALL SELECT NULL,NULL,NULL--",
      "' UNION SELECT login, password FROM res_users--",
      "1' AND (SELECT 1 FROM pg_sleep(5))='1",
      "%' AND 8310=8310 AND '%'='",
      "';COPY (SELECT '') TO PROGRAM 'touch /tmp/citadel-pwned'--",
      "$$; DROP TABLE res_users; $$",
      "E'\\x27 OR 1=1 --",
      "\\'; DROP TABLE res_partner; --",
      "'||(SELECT chr(65)||chr(66))||'",
      "1::text",
      "(SELECT 1)",
      "id; --",
      "name desc, (SELECT 1)",
      "name desc NULLS LAST; DROP TABLE res_partner",
      "res_partner.name",
      "\"name\"",
      "name) OR (1=1",
      "*/ OR 1=1 /*",
      "a\nb'; --",
      "\u02bc OR 1=1 --",
      "' OR pg_sleep(5) IS NULL --",
      "1 AND 1=(SELECT COUNT(*) FROM pg_tables)",
  };
  std::vector<std::string> out;
  for (const auto& attack : attacks) out.push_back(std::string(kMarker) + attack);
  return out;
}

db::Connection Connect(const std::string& database) {
  auto conn = db::Connection::Open(db::testing::PgTestCluster().SuperuserDsn(database));
  if (!conn) throw std::runtime_error(conn.error().message);
  return std::move(*conn);
}

void Utility(db::Connection& admin, const std::function<void(db::UtilityStatementBuilder&)>& build) {
  db::UtilityStatementBuilder builder(admin);
  build(builder);
  auto statement = builder.Build();
  if (!statement) throw std::runtime_error(statement.error().message);
  if (auto r = admin.ExecuteUtility(*statement); !r) throw std::runtime_error(r.error().message);
}

orm::ModuleSet Modules() {
  orm::ModuleSet modules;
  modules.Add(modules::BaseModule());
  modules.Add(modules::ContactsModule());
  return modules;
}

// What PostgreSQL logged for `database`, as entries (a log line and its
// continuation lines).
std::vector<std::string> LoggedEntries(const std::string& database) {
  db::Connection admin = Connect("postgres");
  auto log = admin.Execute("SELECT pg_read_file(pg_current_logfile()) AS text");
  if (!log) throw std::runtime_error(log.error().message);
  std::istringstream lines(log->Text(0, "text"));
  std::vector<std::string> entries;
  const std::string tag = "@" + database + " ";
  std::string line;
  bool mine = false;
  while (std::getline(lines, line)) {
    // log_line_prefix is '%m [%p] %q%u@%d ': a new entry starts with the year.
    const bool starts_entry = line.size() > 4 && line[0] == '2' && line[4] == '-';
    if (starts_entry) {
      mine = line.find(tag) != std::string::npos;
      if (mine) entries.push_back(line);
    } else if (mine && !entries.empty()) {
      entries.back() += "\n" + line;
    }
  }
  return entries;
}

class OrmInjection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db::Connection admin = Connect("postgres");
    auto id = db::Identifier::Make(kDatabase);
    Utility(admin, [&](auto& b) { b.Sql("DROP DATABASE IF EXISTS ").Name(*id); });
    Utility(admin, [&](auto& b) { b.Sql("CREATE DATABASE ").Name(*id); });
    // Every statement of every later session on this database is logged.
    Utility(admin, [&](auto& b) { b.Sql("ALTER DATABASE ").Name(*id).Sql(" SET log_statement = 'all'"); });
    db::Connection conn = Connect(kDatabase);
    auto installed = orm::InstallModules(conn, *modules_);
    if (!installed) throw std::runtime_error(installed.error().message);
  }

  void SetUp() override {
    auto conn = Connect(kDatabase);
    connection_ = std::make_unique<db::Connection>(std::move(conn));
    auto registry = modules_->BuildRegistry();
    if (!registry) throw std::runtime_error(registry.error().message);
    registry_ = *registry;
  }

  std::int64_t Count(db::SqlText sql) {
    auto r = connection_->Execute(sql);
    if (!r) throw std::runtime_error(r.error().message);
    return std::stoll(r->Text(0, r->ColumnName(0)));
  }

  // One call as the admin, in its own transaction; true if it answered with
  // a value, false if with a user-facing error. A database error fails.
  bool Call(const std::string& model, const std::string& method, const Value& args,
            const Value& kwargs = Value::object()) {
    orm::TransactionRunner runner(*connection_, registry_);
    try {
      runner.Run([&] {
        orm::Environment env(registry_, *connection_, kAdminUid);
        orm::CallModelMethod(env, model, method, args, kwargs);
      });
      ++calls_;
      return true;
    } catch (const orm::UserError&) {
      ++calls_;
      return false;
    } catch (const std::exception& e) {
      ADD_FAILURE() << model << "." << method << " " << args.dump() << " " << kwargs.dump()
                    << " raised a non-user error: " << e.what();
      return false;
    }
  }

  static inline std::unique_ptr<orm::ModuleSet> modules_ = std::make_unique<orm::ModuleSet>(Modules());
  std::shared_ptr<const orm::Registry> registry_;
  std::unique_ptr<db::Connection> connection_;
  int calls_ = 0;
};

TEST_F(OrmInjection, NoPayloadEverReachesSqlText) {
  const std::int64_t tables_before = Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  const std::int64_t users_before = Count("SELECT count(*) FROM res_users");
  std::int64_t partner = 0;
  {
    orm::TransactionRunner runner(*connection_, registry_);
    runner.Run([&] {
      orm::Environment env(registry_, *connection_, kAdminUid);
      partner = orm::CallModelMethod(env, "res.partner", "create", Value::parse(R"([{"name": "Target"}])"),
                                     Value::object())
                    .get<std::int64_t>();
    });
  }
  const Value ids = Value::array({partner});

  for (const std::string& p : Payloads()) {
    SCOPED_TRACE(p);
    const Value v(p);
    // Values in domains, through every operator that takes one.
    for (const char* op : {"=", "!=", "ilike", "not ilike", "like", "=like", "=ilike", "<", ">="}) {
      Call("res.partner", "search", Value::array({Value::array({Value::array({"name", op, v})})}));
    }
    Call("res.partner", "search", Value::array({Value::array({Value::array({"name", "in", Value::array({v})})})}));
    Call("res.partner", "search_count", Value::array({Value::array({Value::array({"parent_id.name", "ilike", v})})}));
    Call("res.partner", "search", Value::array({Value::array({Value::array({"parent_id", "child_of", v})})}));
    Call("res.partner", "search", Value::array({Value::array({Value::array({"category_id", "any", Value::array({Value::array({"name", "=", v})})})})}));
    Call("res.partner", "search", Value::array({Value::array({Value::array({"id", "=", v})})}));
    Call("res.partner", "search", Value::array({Value::array({Value::array({"create_date", ">", v})})}));
    // Names and operators where the client names things.
    Call("res.partner", "search", Value::array({Value::array({Value::array({v, "=", 1})})}));
    Call("res.partner", "search", Value::array({Value::array({Value::array({"name", v, "x"})})}));
    Call("res.partner", "search", Value::array({Value::array({v})}));
    Call("res.partner", "search", Value::array({Value::array()}), {{"order", p}});
    Call("res.partner", "search", Value::array({Value::array()}), {{"order", "name desc, " + p}});
    Call("res.partner", "search_read", Value::array({Value::array()}), {{"fields", Value::array({v})}, {"limit", 1}});
    Call("res.partner", "read", Value::array({ids, Value::array({v})}));
    Call("res.partner", "read_group", Value::array({Value::array(), Value::array({v}), Value::array({"name"})}));
    Call("res.partner", "read_group", Value::array({Value::array(), Value::array({"name"}), Value::array({v})}));
    Call("res.partner", "read_group", Value::array({Value::array(), Value::array({"color:" + p}), Value::array({"create_date:" + p})}));
    Call("res.partner", "read_group", Value::array({Value::array(), Value::array({"name"}), Value::array({"name"})}), {{"orderby", p}});
    // Values and keys of writes.
    Call("res.partner", "create", Value::array({{{"name", v}, {"comment", v}, {"email", v}, {"ref", v}}}));
    Call("res.partner", "create", Value::array({{{p, 1}}}));
    Call("res.partner", "write", Value::array({ids, {{"street", v}, {"website", v}}}));
    Call("res.partner", "write", Value::array({ids, {{"category_id", Value::array({Value::array({0, 0, {{"name", v}}})})}}}));
    Call("res.partner", "copy", Value::array({ids}), {{"default", {{"name", v}}}});
    // Context keys and values.
    Call("res.partner", "search", Value::array({Value::array()}),
         {{"context", {{"lang", v}, {"tz", v}, {"active_test", v}, {p, v}, {"allowed_company_ids", Value::array({v})}}}});
    // Helpers with free-text arguments.
    Call("res.partner", "name_search", Value::array({v}));
    Call("res.partner", "name_search", Value::array({"a"}), {{"operator", p}});
    Call("res.partner.category", "name_create", Value::array({v}));
    Call("res.partner", "default_get", Value::array({Value::array({v})}));
    Call("res.partner", "fields_get", Value::array({Value::array({v})}), {{"attributes", Value::array({v})}});
    Call("res.partner", "check_access_rights", Value::array({v}));
    Call("res.partner", "has_access", Value::array({ids, v}));
    Call("res.partner", "check_access", Value::array({ids, v}));
    // Method and model names.
    EXPECT_FALSE(Call("res.partner", p, Value::array()));
    EXPECT_FALSE(Call(p, "search", Value::array({Value::array()})));
    Call("ir.model.data", "search_read", Value::array({Value::array({Value::array({"name", "=", v})})}));
  }

  // 2. Nothing dropped, nothing unexpected created.
  EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), tables_before);
  EXPECT_EQ(Count("SELECT count(*) FROM res_users"), users_before);

  // 3. The statement log: payloads only ever as bound parameters.
  const std::vector<std::string> entries = LoggedEntries(kDatabase);
  int statements = 0, with_parameters = 0;
  for (const std::string& entry : entries) {
    const bool statement = entry.find("LOG:  statement: ") != std::string::npos ||
                           entry.find("LOG:  execute ") != std::string::npos;
    if (statement) ++statements;
    if (entry.find("DETAIL:  parameters:") != std::string::npos) ++with_parameters;
    // The SQL text: a statement entry up to its parameters, and an error's
    // STATEMENT line (the error message itself may quote a value).
    std::string sql_text;
    if (statement) sql_text = entry.substr(0, entry.find("DETAIL:  parameters:"));
    if (const auto at = entry.find("STATEMENT:  "); at != std::string::npos) sql_text += entry.substr(at);
    EXPECT_EQ(sql_text.find(kMarker), std::string::npos) << "a payload in SQL text:\n" << entry;
  }
  // The log really was written, and payloads really went through as values.
  EXPECT_GT(statements, 1000);
  EXPECT_GT(with_parameters, 100);
  bool payload_in_parameters = false;
  for (const std::string& entry : entries) {
    if (entry.find("DETAIL:  parameters:") != std::string::npos && entry.find(kMarker) != std::string::npos) {
      payload_in_parameters = true;
      break;
    }
  }
  EXPECT_TRUE(payload_in_parameters);
  RecordProperty("calls", calls_);
  RecordProperty("logged_statements", statements);
}

// The detector itself: SQL text that does carry the marker is found, so the
// test above cannot pass by reading nothing.
TEST_F(OrmInjection, LogCheckFindsAMarkerInSqlText) {
  ASSERT_TRUE(connection_->Execute("SELECT 'Zq9x-canary' AS v"));
  bool found = false;
  for (const std::string& entry : LoggedEntries(kDatabase)) {
    if (entry.find("LOG:  execute") != std::string::npos && entry.find("Zq9x-canary") != std::string::npos) found = true;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace citadel
