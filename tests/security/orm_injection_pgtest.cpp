// SQL injection through every public ORM method, against base and contacts
// installed in a real PostgreSQL that logs every statement it runs.
//
// The promise: "SQL injections are prevented by a higher-level API". Each
// payload of injection_payloads.hpp (sqlmap's boundaries and payloads,
// OWASP's testing guide: tautologies, stacked queries, UNION, time-based
// blind, comment and quote tricks, casts, dollar quoting, unicode quotes,
// NUL, PostgreSQL's COPY ... TO PROGRAM) is sent in every place a client
// controls: domain values, field names, operators, order strings, groupby
// and orderby specs, limit and offset, lazy, fields and attributes lists,
// vals keys and values, ids, operations, method and model names, and, as
// context keys and as context values, through every public method: search,
// search_count, search_read, read, create, write, unlink, copy, name_search,
// name_create, default_get, fields_get, read_group (lazy and not),
// check_access_rights, check_access_rule, check_access, has_access.
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
#include "injection_payloads.hpp"
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
constexpr const char* kMarker = security_testing::kInjectionMarker;
constexpr std::int64_t kAdminUid = 2;  // base.user_admin

std::vector<std::string> Payloads() { return security_testing::InjectionPayloads(); }

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

bool IsStatementEntry(const std::string& entry) {
  return entry.find("LOG:  statement: ") != std::string::npos || entry.find("LOG:  execute ") != std::string::npos;
}

// The entries whose SQL text holds `marker`: a statement entry up to its
// parameters, and an error's STATEMENT line (the error message itself may
// quote a value, and the DETAIL line lists the bound values).
std::vector<std::string> EntriesWithMarkerInSqlText(const std::vector<std::string>& entries,
                                                    const std::string& marker) {
  std::vector<std::string> found;
  for (const std::string& entry : entries) {
    std::string sql_text;
    if (IsStatementEntry(entry)) sql_text = entry.substr(0, entry.find("DETAIL:  parameters:"));
    if (const auto at = entry.find("STATEMENT:  "); at != std::string::npos) sql_text += entry.substr(at);
    if (sql_text.find(marker) != std::string::npos) found.push_back(entry);
  }
  return found;
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

  // A partner made as the admin in its own committed transaction.
  std::int64_t CreatePartner(const std::string& name) {
    std::int64_t id = 0;
    orm::TransactionRunner runner(*connection_, registry_);
    runner.Run([&] {
      orm::Environment env(registry_, *connection_, kAdminUid);
      id = orm::CallModelMethod(env, "res.partner", "create", Value::array({{{"name", name}}}), Value::object())
               .get<std::int64_t>();
    });
    return id;
  }

  // How many entries the database's log holds now: where a test's own start.
  static std::size_t LogPosition() { return LoggedEntries(kDatabase).size(); }

  // (2) and (3) above: no payload in the SQL text of anything logged for the
  // database so far; and since `from` (the test's start), statements logged
  // and payloads among their bound values.
  void ExpectNoPayloadInSqlText(std::int64_t tables_before, std::int64_t users_before, std::size_t from) {
    EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), tables_before);
    EXPECT_EQ(Count("SELECT count(*) FROM res_users"), users_before);
    const std::vector<std::string> entries = LoggedEntries(kDatabase);
    for (const std::string& entry : EntriesWithMarkerInSqlText(entries, kMarker)) {
      ADD_FAILURE() << "a payload in SQL text:\n" << entry;
    }
    // The log really was written, and payloads really went through as values.
    int statements = 0, with_parameters = 0;
    bool payload_in_parameters = false;
    for (std::size_t i = from; i < entries.size(); ++i) {
      const std::string& entry = entries[i];
      if (IsStatementEntry(entry)) ++statements;
      if (entry.find("DETAIL:  parameters:") != std::string::npos) {
        ++with_parameters;
        payload_in_parameters = payload_in_parameters || entry.find(kMarker) != std::string::npos;
      }
    }
    EXPECT_GT(statements, 1000);
    EXPECT_GT(with_parameters, 100);
    EXPECT_TRUE(payload_in_parameters);
    RecordProperty("calls", calls_);
    RecordProperty("logged_statements", statements);
  }

  static inline std::unique_ptr<orm::ModuleSet> modules_ = std::make_unique<orm::ModuleSet>(Modules());
  std::shared_ptr<const orm::Registry> registry_;
  std::unique_ptr<db::Connection> connection_;
  int calls_ = 0;
};

TEST_F(OrmInjection, NoPayloadEverReachesSqlText) {
  const std::int64_t tables_before = Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  const std::int64_t users_before = Count("SELECT count(*) FROM res_users");
  const std::size_t log_from = LogPosition();
  const Value ids = Value::array({CreatePartner("Target")});

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
    // Helpers with free-text arguments.
    Call("res.partner", "name_search", Value::array({v}));
    Call("res.partner", "name_search", Value::array({"a"}), {{"operator", p}});
    Call("res.partner.category", "name_create", Value::array({v}));
    Call("res.partner", "default_get", Value::array({Value::array({v})}));
    Call("res.partner", "fields_get", Value::array({Value::array({v})}), {{"attributes", Value::array({v})}});
    Call("res.partner", "check_access_rights", Value::array({v}));
    Call("res.partner", "has_access", Value::array({ids, v}));
    Call("res.partner", "check_access", Value::array({ids, v}));
    Call("res.partner", "check_access_rule", Value::array({ids, v}));
    // Method and model names.
    EXPECT_FALSE(Call("res.partner", p, Value::array()));
    EXPECT_FALSE(Call(p, "search", Value::array({Value::array()})));
    Call("ir.model.data", "search_read", Value::array({Value::array({Value::array({"name", "=", v})})}));
  }
  ExpectNoPayloadInSqlText(tables_before, users_before, log_from);
}

// A context whose keys and values are all payloads, through every public
// method; ids, operations, limit, offset, order, groupby, orderby, lazy,
// fields and attributes as payloads; unlink and check_access_rule included.
TEST_F(OrmInjection, ContextIdsAndPagingPayloadsReachNoSqlText) {
  const std::int64_t tables_before = Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  const std::int64_t users_before = Count("SELECT count(*) FROM res_users");
  const std::size_t log_from = LogPosition();
  const Value ids = Value::array({CreatePartner("Context target")});
  int answered = 0;

  for (const std::string& p : Payloads()) {
    SCOPED_TRACE(p);
    const Value v(p);
    // Keys Odoo reads (and default_<field>, which create and default_get
    // read) with payload values, and payloads as keys. Twice: with a payload
    // in allowed_company_ids, which every method refuses up front
    // (AccessError), and without it, so that the rest reaches each method.
    // default_comment and default_ref reach the database: create stores them.
    Value context = {{p, v},          {"lang", v},        {"tz", v},           {"active_test", v},
                     {"bin_size", v}, {"uid", v},         {"default_name", v}, {"default_" + p, v},
                     {"default_comment", v}, {"default_ref", v},
                     {"group_by", Value::array({v})}, {"allowed_company_ids", Value::array({v})}};
    for (const bool with_companies : {true, false}) {
      if (!with_companies) context.erase("allowed_company_ids");
      const Value with = {{"context", context}};
      auto kw = [&](Value extra) {
        extra["context"] = context;
        return extra;
      };
      const Value doomed = Value::array({CreatePartner("To unlink")});
      // Every public method, the payload context beside ordinary arguments.
      const std::vector<std::pair<std::string, std::pair<Value, Value>>> calls = {
          {"search", {Value::array({Value::array()}), with}},
          {"search_count", {Value::array({Value::array()}), with}},
          {"search_read", {Value::array({Value::array()}), kw({{"fields", Value::array({"name"})}, {"limit", 2}})}},
          {"read", {Value::array({ids, Value::array({"name", "image_1920"})}), with}},
          {"create", {Value::array({{{"name", "ctx"}}}), with}},
          {"write", {Value::array({ids, {{"comment", "ctx"}}}), with}},
          {"unlink", {Value::array({doomed}), with}},
          {"copy", {Value::array({ids}), with}},
          {"name_search", {Value::array({"Context"}), with}},
          {"default_get", {Value::array({Value::array({"name", "lang", "tz"})}), with}},
          {"fields_get", {Value::array({Value::array({"name"})}), kw({{"attributes", Value::array({"string"})}})}},
          {"read_group", {Value::array({Value::array(), Value::array({"color"}), Value::array({"name"})}), kw({{"lazy", true}})}},
          {"read_group",
           {Value::array({Value::array(), Value::array({"color"}), Value::array({"name", "create_date:day"})}),
            kw({{"lazy", false}})}},
          {"check_access_rights", {Value::array({"read"}), with}},
          {"check_access_rule", {Value::array({ids, "write"}), with}},
          {"check_access", {Value::array({ids, "read"}), with}},
          {"has_access", {Value::array({ids, "unlink"}), with}},
      };
      for (const auto& [method, arguments] : calls) {
        const bool value = Call("res.partner", method, arguments.first, arguments.second);
        if (!with_companies) answered += value ? 1 : 0;
      }
      Call("res.partner.category", "name_create", Value::array({"ctx tag"}), with);
    }

    // Ids and operations as payloads.
    EXPECT_FALSE(Call("res.partner", "unlink", Value::array({Value::array({v})})));
    EXPECT_FALSE(Call("res.partner", "unlink", Value::array({v})));
    EXPECT_FALSE(Call("res.partner", "check_access_rule", Value::array({Value::array({v}), "read"})));
    EXPECT_FALSE(Call("res.partner", "check_access_rule", Value::array({v, "read"})));
    Call("res.partner", "check_access_rule", Value::array({ids, v}));
    Call("res.partner", "read", Value::array({Value::array({v}), Value::array({"name"})}));
    Call("res.partner", "write", Value::array({Value::array({v}), {{"name", "x"}}}));
    Call("res.partner", "copy", Value::array({Value::array({v})}));
    // Paging, order and grouping as payloads.
    for (const char* key : {"limit", "offset"}) {
      EXPECT_FALSE(Call("res.partner", "search", Value::array({Value::array()}), {{key, v}}));
      EXPECT_FALSE(Call("res.partner", "search_read", Value::array({Value::array()}), {{key, v}}));
      EXPECT_FALSE(Call("res.partner", "read_group", Value::array({Value::array(), Value::array({"color"}), Value::array({"name"})}), {{key, v}}));
    }
    EXPECT_FALSE(Call("res.partner", "name_search", Value::array({"a"}), {{"limit", v}}));
    Call("res.partner", "search_read", Value::array({Value::array()}), {{"order", p}});
    Call("res.partner", "search_read", Value::array({Value::array()}), {{"fields", Value::array({"name", v})}, {"order", "id desc, " + p}});
    Call("res.partner", "read_group", Value::array({Value::array(), Value::array({"color"}), Value::array({"name"})}), {{"orderby", "color desc, " + p}, {"lazy", v}});
    Call("res.partner", "read_group", Value::array({Value::array(), Value::array({"color", v}), Value::array({"name", v})}), {{"lazy", false}});
    Call("res.partner", "fields_get", Value::array(), {{"attributes", Value::array({"string", v})}});
    Call("res.partner", "default_get", Value::array({Value::array({"name", v})}));
  }
  // Numbers where strings were expected and odd numbers where numbers are:
  // no marker to look for, but each must still be a value or a user error.
  for (const Value& odd : {Value(-1), Value(1e300), Value(18446744073709551615ULL), Value(2.5), Value(true), Value()}) {
    SCOPED_TRACE(odd.dump());
    for (const char* key : {"limit", "offset"}) Call("res.partner", "search_read", Value::array({Value::array()}), {{key, odd}});
    Call("res.partner", "unlink", Value::array({Value::array({odd})}));
    Call("res.partner", "check_access_rule", Value::array({Value::array({odd}), "read"}));
  }
  // Without the companies, most calls with a payload context answered with
  // a value: the payloads did reach the methods rather than stopping at the
  // dispatcher.
  EXPECT_GT(answered, static_cast<int>(Payloads().size()) * 12);
  RecordProperty("answered_with_payload_context", answered);
  ExpectNoPayloadInSqlText(tables_before, users_before, log_from);
}

// The detector itself: SQL text that does carry a marker is reported, so the
// tests above cannot pass by reading nothing. (Its own marker, so that it
// fails none of them whatever the order.)
TEST_F(OrmInjection, LogCheckFindsAMarkerInSqlText) {
  ASSERT_TRUE(connection_->Execute("SELECT 'Qk7w-canary' AS v"));
  EXPECT_FALSE(EntriesWithMarkerInSqlText(LoggedEntries(kDatabase), "Qk7w-canary").empty());
  // A bound value is not SQL text.
  ASSERT_TRUE(connection_->Execute("SELECT $1::text AS v", std::string("Qk7w-bound")));
  EXPECT_TRUE(EntriesWithMarkerInSqlText(LoggedEntries(kDatabase), "Qk7w-bound").empty());
  bool bound_logged = false;
  for (const std::string& entry : LoggedEntries(kDatabase)) {
    bound_logged = bound_logged || (entry.find("DETAIL:  parameters:") != std::string::npos &&
                                    entry.find("Qk7w-bound") != std::string::npos);
  }
  EXPECT_TRUE(bound_logged);
}

}  // namespace
}  // namespace citadel
