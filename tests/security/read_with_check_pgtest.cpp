// Read-only calls sent in the round trip of their own credential check
// (rpc/object_service.cpp): once a user's password was verified, a search or
// read goes out together with the statement that checks it, and is answered
// only if the check then holds in the same transaction. Attacked here through
// execute_kw's dispatcher on a real tenant: a password changed, a user
// archived or rights taken away between two calls must count at the very
// next call — refused exactly as before, never answered with data.
// Since session 11 create, write and unlink go the same way (with a password,
// not an API key): the same changes must refuse them or run them again under
// the rights of the moment, and nothing may be written under the old ones.
#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "orm/security_cache.hpp"
#include "rpc/object_call_counters.hpp"
#include "rpc/one_statement_calls.hpp"
#include "rpc_test_services.hpp"

namespace citadel {
namespace {

using orm::Value;

constexpr const char* kTenant = "check-acme";
constexpr std::int64_t kAdminUid = 2;

class ReadWithCheckPg : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    services_ = testing::RpcTestServices::Open({kTenant}).release();
    ASSERT_NE(services_, nullptr);
    // As `citadel serve` wires it: rights cached across calls, counted calls.
    services_->services->security = new orm::SecurityCaches();
    services_->services->object_counters = new rpc::ObjectCallCounters();
    services_->services->one_statement_calls = new rpc::OneStatementCalls();
  }
  // Before the harness stops PostgreSQL: the pools' reaper threads end here,
  // not during the process's exit.
  static void TearDownTestSuite() {
    if (services_ == nullptr) return;
    auto* security = services_->services->security;
    auto* counters = services_->services->object_counters;
    auto* one_statement_calls = services_->services->one_statement_calls;
    delete services_;
    services_ = nullptr;
    delete one_statement_calls;
    delete counters;
    delete security;
  }

  static rpc::RpcOutcome Execute(std::int64_t uid, const std::string& secret, const std::string& model,
                                 const std::string& method, Value args, Value kwargs = Value::object()) {
    return services_->Dispatch("object", "execute_kw",
                               Value::array({kTenant, uid, secret, model, method, std::move(args), std::move(kwargs)}));
  }
  static Value Admin(const std::string& model, const std::string& method, Value args,
                     Value kwargs = Value::object()) {
    auto outcome = Execute(kAdminUid, testing::kRpcTestAdminPassword, model, method, std::move(args), std::move(kwargs));
    if (const auto* error = std::get_if<rpc::RpcError>(&outcome)) {
      ADD_FAILURE() << model << "." << method << ": " << error->name << ": " << error->message;
      return nullptr;
    }
    return std::get<Value>(outcome);
  }
  static std::string Refusal(const rpc::RpcOutcome& outcome) {
    const auto* error = std::get_if<rpc::RpcError>(&outcome);
    return error != nullptr ? error->name + ": " + error->message : "(answered: " + std::get<Value>(outcome).dump() + ")";
  }
  static std::uint64_t SentWithCheck() { return services_->services->object_counters->sent_with_check.load(); }
  static std::uint64_t Missed() { return services_->services->object_counters->check_missed.load(); }
  static std::uint64_t CommittedEarly() {
    return services_->services->object_counters->committed_with_statement.load();
  }
  static std::uint64_t CommittedTooEarly() {
    return services_->services->object_counters->committed_too_early.load();
  }

  static std::int64_t GroupId(const std::string& name) {
    Value rows = Admin("ir.model.data", "search_read",
                       Value::array({Value::array({Value::array({"module", "=", "base"}),
                                                   Value::array({"name", "=", name})})}),
                       {{"fields", Value::array({"res_id"})}});
    return rows.at(0).at("res_id").get<std::int64_t>();
  }
  // An internal user with its own password.
  static std::int64_t MakeUser(const std::string& login, const std::string& password) {
    Value made = Admin("res.users", "create",
                       Value::array({Value{{"name", login},
                                           {"login", login},
                                           {"password", password},
                                           {"groups_id", Value::array({Value::array(
                                                             {6, 0, Value::array({GroupId("group_user")})})})}}}));
    return made.get<std::int64_t>();
  }
  static rpc::RpcOutcome SearchCategories(std::int64_t uid, const std::string& password) {
    return Execute(uid, password, "res.partner.category", "search_read", Value::array({Value::array()}),
                   {{"fields", Value::array({"name"})}});
  }

  static rpc::RpcOutcome CreateCategory(std::int64_t uid, const std::string& password, const std::string& name) {
    return Execute(uid, password, "res.partner.category", "create", Value::array({Value{{"name", name}}}));
  }
  static std::int64_t CategoriesNamed(const std::string& name) {
    return Admin("res.partner.category", "search_count",
                 Value::array({Value::array({Value::array({"name", "=", name})})}))
        .get<std::int64_t>();
  }
  static void SetGroups(std::int64_t uid, const std::vector<std::string>& groups) {
    Value ids = Value::array();
    for (const std::string& group : groups) ids.push_back(GroupId(group));
    Admin("res.users", "write",
          Value::array({Value::array({uid}), Value{{"groups_id", Value::array({Value::array({6, 0, ids})})}}}));
  }
  // A user who may create partners and categories, whose password was
  // verified and whose create went out with its check once already.
  static std::int64_t MakeWriter(const std::string& login, const std::string& password) {
    const std::int64_t uid = MakeUser(login, password);
    SetGroups(uid, {"group_user", "group_partner_manager"});
    for (int i = 0; i < 2; ++i) {
      auto made = CreateCategory(uid, password, login + " warm-up " + std::to_string(i));
      EXPECT_TRUE(std::holds_alternative<Value>(made)) << Refusal(made);
    }
    return uid;
  }

  // A new API key of the user's, made through the API as its owner would
  // (res.users.apikeys.description); empty, with a failure added, if refused.
  static std::string MakeApiKey(std::int64_t uid, const std::string& password, const std::string& name) {
    // A user who is not an admin must give an expiration, at most 90 days on.
    const std::time_t in_30_days = std::time(nullptr) + 30 * 86400;
    std::tm utc{};
    gmtime_r(&in_30_days, &utc);
    char expiration[32];
    std::strftime(expiration, sizeof expiration, "%Y-%m-%d %H:%M:%S", &utc);
    auto wizard = Execute(uid, password, "res.users.apikeys.description", "create",
                          Value::array({{{"name", name}, {"expiration_date", expiration}}}));
    if (!std::holds_alternative<Value>(wizard)) {
      ADD_FAILURE() << Refusal(wizard);
      return "";
    }
    auto made = Execute(uid, password, "res.users.apikeys.description", "make_key",
                        Value::array({Value::array({std::get<Value>(wizard)})}));
    if (!std::holds_alternative<Value>(made)) {
      ADD_FAILURE() << Refusal(made);
      return "";
    }
    return std::get<Value>(made)["context"]["default_key"].get<std::string>();
  }

  // What one call sent on its connection: the pool lends the connection
  // returned last, and the tests run one call at a time.
  struct Sent {
    std::vector<std::string> statements;
    std::uint64_t round_trips = 0;
  };
  static Sent Observe(const std::function<void()>& call) {
    auto sent = std::make_shared<std::vector<std::string>>();
    std::uint64_t trips = 0;
    {
      auto lent = services_->directory->Acquire(kTenant);
      EXPECT_TRUE(lent);
      if (!lent) return {};
      (*lent)->SetStatementObserver(
          [sent](const std::string& text, std::span<const db::Param>) { sent->push_back(text); });
      trips = (*lent)->round_trips();
    }
    call();
    auto lent = services_->directory->Acquire(kTenant);
    EXPECT_TRUE(lent);
    if (!lent) return {};
    (*lent)->SetStatementObserver(nullptr);
    return {*sent, (*lent)->round_trips() - trips};
  }
  static std::string Joined(const std::vector<std::string>& statements) {
    std::string all;
    for (const std::string& s : statements) all += s.substr(0, 60) + "\n";
    return all;
  }

  static testing::RpcTestServices* services_;
};

testing::RpcTestServices* ReadWithCheckPg::services_ = nullptr;

TEST_F(ReadWithCheckPg, ReadsTravelWithTheirCheckOnceThePasswordIsKnown) {
  const std::int64_t uid = MakeUser("reader", "reader's own secret phrase");
  // The admin's first call after making a user (a change of rights) is sent
  // under the rights cached before, and runs again: not counted below.
  Admin("res.partner.category", "create", Value::array({Value{{"name", "Suppliers"}}}));
  const std::uint64_t missed = Missed();
  // Verifies the password (PBKDF2), then runs (already with its check).
  auto first = SearchCategories(uid, "reader's own secret phrase");
  ASSERT_TRUE(std::holds_alternative<Value>(first)) << Refusal(first);
  const std::uint64_t sent = SentWithCheck();
  auto second = SearchCategories(uid, "reader's own secret phrase");
  ASSERT_TRUE(std::holds_alternative<Value>(second)) << Refusal(second);
  EXPECT_EQ(std::get<Value>(second), std::get<Value>(first));
  EXPECT_EQ(SentWithCheck(), sent + 1);
  for (const char* method : {"search", "search_count", "read", "name_search", "fields_get"}) {
    Value args = std::string(method) == "read" ? Value::array({Value::array({1})})
                 : std::string(method) == "search" || std::string(method) == "search_count"
                     ? Value::array({Value::array()})
                     : Value::array();
    auto outcome = Execute(uid, "reader's own secret phrase", "res.partner", method, args);
    ASSERT_TRUE(std::holds_alternative<Value>(outcome)) << method << ": " << Refusal(outcome);
  }
  EXPECT_EQ(SentWithCheck(), sent + 6);
  // Any other method is checked first, always.
  auto other = Execute(uid, "reader's own secret phrase", "res.partner", "default_get",
                       Value::array({Value::array({"name"})}));
  ASSERT_TRUE(std::holds_alternative<Value>(other)) << Refusal(other);
  EXPECT_EQ(SentWithCheck(), sent + 6);
  EXPECT_EQ(Missed(), missed);
}

// Session 13: a read-only call that needs one statement sends COMMIT with it,
// so the whole call is one round trip; one that turns out to need more runs
// again the usual way and gives the same answer.
TEST_F(ReadWithCheckPg, AOneStatementReadCommitsInTheRoundTripOfItsCheck) {
  const std::int64_t uid = MakeUser("single", "one statement, one round trip");
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "one statement, one round trip")));
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "one statement, one round trip")));
  const std::uint64_t early = CommittedEarly();
  rpc::RpcOutcome counted;
  const Sent sent = Observe([&] {
    counted = Execute(uid, "one statement, one round trip", "res.partner", "search_count",
                      Value::array({Value::array()}));
  });
  ASSERT_TRUE(std::holds_alternative<Value>(counted)) << Refusal(counted);
  EXPECT_EQ(std::get<Value>(counted), Admin("res.partner", "search_count", Value::array({Value::array()})));
  ASSERT_EQ(sent.statements.size(), 4u) << Joined(sent.statements);
  EXPECT_EQ(sent.statements.back(), "COMMIT");
  EXPECT_EQ(sent.round_trips, 1u) << Joined(sent.statements);
  EXPECT_EQ(CommittedEarly(), early + 1);
}

TEST_F(ReadWithCheckPg, AReadNeedingASecondStatementRunsAgainWithItsCommitAfterTheAnswer) {
  const std::int64_t uid = MakeUser("several", "more than one statement");
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "more than one statement")));
  const Value tag = Admin("res.partner.category", "create", Value::array({Value{{"name", "Tagged"}}}));
  const Value partner = Admin("res.partner", "create",
                              Value::array({Value{{"name", "Several statements"},
                                                  {"category_id", Value::array({Value::array({6, 0, Value::array({tag})})})}}}));
  // A many2many field is read with a statement of its own, after the row's.
  // (A shape no call has used yet: the admin's call below would teach it.)
  const Value args = Value::array({Value::array({partner}), Value::array({"category_id", "name"})});
  const std::uint64_t too_early = CommittedTooEarly();
  rpc::RpcOutcome first;
  const Sent rerun = Observe([&] { first = Execute(uid, "more than one statement", "res.partner", "read", args); });
  ASSERT_TRUE(std::holds_alternative<Value>(first)) << Refusal(first);
  EXPECT_EQ(CommittedTooEarly(), too_early + 1) << Joined(rerun.statements);
  const Value expected = Admin("res.partner", "read", args);
  EXPECT_EQ(std::get<Value>(first), expected);
  // Learned: the same call now sends COMMIT after its answer, at once.
  rpc::RpcOutcome second;
  const Sent learned = Observe([&] { second = Execute(uid, "more than one statement", "res.partner", "read", args); });
  ASSERT_TRUE(std::holds_alternative<Value>(second)) << Refusal(second);
  EXPECT_EQ(std::get<Value>(second), expected);
  EXPECT_EQ(CommittedTooEarly(), too_early + 1) << Joined(learned.statements);
  ASSERT_GE(learned.statements.size(), 5u) << Joined(learned.statements);
  EXPECT_EQ(learned.statements.back(), "COMMIT");
  EXPECT_LT(learned.statements.size(), rerun.statements.size()) << "no wasted attempt any more";
}

TEST_F(ReadWithCheckPg, ANewPasswordRefusesTheOldOneAtTheVeryNextRead) {
  const std::int64_t uid = MakeUser("changing", "the first secret phrase");
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "the first secret phrase")));
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "the first secret phrase")));
  const std::uint64_t missed = Missed();
  Admin("res.users", "write", Value::array({Value::array({uid}), Value{{"password", "the second secret phrase"}}}));
  auto old = SearchCategories(uid, "the first secret phrase");
  EXPECT_EQ(Refusal(old), "odoo.exceptions.AccessDenied: Access Denied");
  EXPECT_EQ(Missed(), missed + 1);  // it was sent with its check, and the check said no
  auto fresh = SearchCategories(uid, "the second secret phrase");
  EXPECT_TRUE(std::holds_alternative<Value>(fresh)) << Refusal(fresh);
  // Nor does the old one come back later from the cache.
  EXPECT_EQ(Refusal(SearchCategories(uid, "the first secret phrase")), "odoo.exceptions.AccessDenied: Access Denied");
}

TEST_F(ReadWithCheckPg, AnArchivedUserIsRefusedAtTheVeryNextRead) {
  const std::int64_t uid = MakeUser("leaving", "a secret phrase to archive");
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "a secret phrase to archive")));
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "a secret phrase to archive")));
  const std::uint64_t missed = Missed();
  Admin("res.users", "write", Value::array({Value::array({uid}), Value{{"active", false}}}));
  EXPECT_EQ(Refusal(SearchCategories(uid, "a secret phrase to archive")), "odoo.exceptions.AccessDenied: Access Denied");
  EXPECT_EQ(Missed(), missed + 1);
}

TEST_F(ReadWithCheckPg, RightsTakenAwayCountAtTheVeryNextRead) {
  const std::int64_t uid = MakeUser("demoted", "a secret phrase to demote");
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "a secret phrase to demote")));
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "a secret phrase to demote")));
  const std::uint64_t missed = Missed();
  // Portal only: no right to read partner categories.
  Admin("res.users", "write",
        Value::array({Value::array({uid}),
                      Value{{"groups_id", Value::array({Value::array({6, 0, Value::array({GroupId("group_portal")})})})}}}));
  auto refused = SearchCategories(uid, "a secret phrase to demote");
  EXPECT_NE(Refusal(refused).find("odoo.exceptions.AccessError"), std::string::npos) << Refusal(refused);
  EXPECT_EQ(Missed(), missed + 1);  // sent under the old rights, run again under the new
}

// A partner create with a known password: BEGIN, the credential check and
// the INSERT in one round trip, then COMMIT (4 statements, 2 round trips).
TEST_F(ReadWithCheckPg, APartnerCreateIsTwoRoundTripsWithItsCheck) {
  const std::int64_t uid = MakeWriter("counted", "a secret phrase to count");
  const std::uint64_t sent = SentWithCheck();
  const std::uint64_t missed = Missed();
  std::int64_t partner = 0;
  Sent create = Observe([&] {
    auto made = Execute(uid, "a secret phrase to count", "res.partner", "create",
                        Value::array({Value{{"name", "Counted Partner"}, {"email", "counted@example.com"}}}));
    ASSERT_TRUE(std::holds_alternative<Value>(made)) << Refusal(made);
    partner = std::get<Value>(made).get<std::int64_t>();
  });
  EXPECT_EQ(SentWithCheck(), sent + 1);
  ASSERT_EQ(create.statements.size(), 4u) << Joined(create.statements);
  EXPECT_EQ(create.statements[0].rfind("BEGIN", 0), 0u) << create.statements[0];
  EXPECT_NE(create.statements[1].find("citadel_security_signal"), std::string::npos) << create.statements[1];
  EXPECT_EQ(create.statements[2].rfind("INSERT INTO \"res_partner\"", 0), 0u) << create.statements[2];
  EXPECT_EQ(create.statements[3], "COMMIT");
  EXPECT_EQ(create.round_trips, 2u) << Joined(create.statements);

  // write and unlink go the same way: their first statement with the check
  // (each done twice, so that the second finds its statements prepared).
  Sent write, unlink;
  for (int i = 0; i < 2; ++i) {
    write = Observe([&] {
      auto written = Execute(uid, "a secret phrase to count", "res.partner", "write",
                             Value::array({Value::array({partner}), Value{{"phone", "+1 555 010" + std::to_string(i)}}}));
      ASSERT_TRUE(std::holds_alternative<Value>(written)) << Refusal(written);
    });
  }
  EXPECT_EQ(SentWithCheck(), sent + 3);
  ASSERT_GE(write.statements.size(), 4u) << Joined(write.statements);
  EXPECT_NE(write.statements[1].find("citadel_security_signal"), std::string::npos) << write.statements[1];
  EXPECT_EQ(write.round_trips, write.statements.size() - 2) << Joined(write.statements);
  for (int i = 0; i < 2; ++i) {
    auto made = Execute(uid, "a secret phrase to count", "res.partner", "create",
                        Value::array({Value{{"name", "Removed Partner " + std::to_string(i)}}}));
    ASSERT_TRUE(std::holds_alternative<Value>(made)) << Refusal(made);
    unlink = Observe([&] {
      auto removed = Execute(uid, "a secret phrase to count", "res.partner", "unlink",
                             Value::array({Value::array({std::get<Value>(made)})}));
      ASSERT_TRUE(std::holds_alternative<Value>(removed)) << Refusal(removed);
    });
  }
  EXPECT_EQ(SentWithCheck(), sent + 7);
  EXPECT_NE(unlink.statements[1].find("citadel_security_signal"), std::string::npos) << unlink.statements[1];
  EXPECT_EQ(unlink.round_trips, unlink.statements.size() - 2) << Joined(unlink.statements);
  EXPECT_EQ(Missed(), missed);
}

TEST_F(ReadWithCheckPg, ANewPasswordRefusesTheOldOneAtTheVeryNextWrite) {
  const std::int64_t uid = MakeWriter("rewritten", "the writer's first phrase");
  const Value company = Admin("res.partner", "create", Value::array({Value{{"name", "Parent Company"}, {"is_company", true}}}));
  const std::uint64_t missed = Missed();
  Admin("res.users", "write", Value::array({Value::array({uid}), Value{{"password", "the writer's second phrase"}}}));
  // A company's contact: its create reads the parent first, then inserts.
  // The check travels with that read and says no: nothing more is sent.
  Sent refused = Observe([&] {
    EXPECT_EQ(Refusal(Execute(uid, "the writer's first phrase", "res.partner", "create",
                              Value::array({Value{{"name", "Contact with an old password"}, {"parent_id", company}}}))),
              "odoo.exceptions.AccessDenied: Access Denied");
  });
  ASSERT_GE(refused.statements.size(), 4u) << Joined(refused.statements);
  EXPECT_NE(refused.statements[1].find("citadel_security_signal"), std::string::npos) << Joined(refused.statements);
  EXPECT_EQ(refused.statements[3], "ROLLBACK") << Joined(refused.statements);
  for (const std::string& statement : refused.statements) EXPECT_EQ(statement.find("INSERT"), std::string::npos);
  EXPECT_EQ(Missed(), missed + 1);  // sent with its check, and the check said no
  EXPECT_EQ(Refusal(CreateCategory(uid, "the writer's first phrase", "Made with an old password")),
            "odoo.exceptions.AccessDenied: Access Denied");
  EXPECT_EQ(CategoriesNamed("Made with an old password"), 0);
  auto fresh = CreateCategory(uid, "the writer's second phrase", "Made with the new password");
  EXPECT_TRUE(std::holds_alternative<Value>(fresh)) << Refusal(fresh);
  EXPECT_EQ(CategoriesNamed("Made with the new password"), 1);
}

TEST_F(ReadWithCheckPg, AnArchivedUserWritesNothingAtTheVeryNextCall) {
  const std::int64_t uid = MakeWriter("archived writer", "a writer's phrase to archive");
  const Value category = Admin("res.partner.category", "search",
                               Value::array({Value::array({Value::array({"name", "=", "archived writer warm-up 0"})})}));
  ASSERT_EQ(category.size(), 1u);
  const std::uint64_t missed = Missed();
  Admin("res.users", "write", Value::array({Value::array({uid}), Value{{"active", false}}}));
  EXPECT_EQ(Refusal(CreateCategory(uid, "a writer's phrase to archive", "Made when archived")),
            "odoo.exceptions.AccessDenied: Access Denied");
  EXPECT_EQ(Refusal(Execute(uid, "a writer's phrase to archive", "res.partner.category", "write",
                            Value::array({category, Value{{"name", "Renamed when archived"}}}))),
            "odoo.exceptions.AccessDenied: Access Denied");
  EXPECT_EQ(Refusal(Execute(uid, "a writer's phrase to archive", "res.partner.category", "unlink",
                            Value::array({category}))),
            "odoo.exceptions.AccessDenied: Access Denied");
  // Each was sent with its check (the entry stays: an archived user's row
  // proves nothing about the password), and each check said no.
  EXPECT_EQ(Missed(), missed + 3);
  EXPECT_EQ(CategoriesNamed("Made when archived"), 0);
  EXPECT_EQ(CategoriesNamed("Renamed when archived"), 0);
  EXPECT_EQ(CategoriesNamed("archived writer warm-up 0"), 1);
}

TEST_F(ReadWithCheckPg, RightsTakenAwayCountAtTheVeryNextWrite) {
  const std::int64_t uid = MakeWriter("demoted writer", "a writer's phrase to demote");
  const std::uint64_t missed = Missed();
  SetGroups(uid, {"group_user"});  // may read categories, not create them
  auto refused = CreateCategory(uid, "a writer's phrase to demote", "Made after the demotion");
  EXPECT_NE(Refusal(refused).find("odoo.exceptions.AccessError"), std::string::npos) << Refusal(refused);
  EXPECT_EQ(Missed(), missed + 1);  // sent under the old rights, run again under the new
  EXPECT_EQ(CategoriesNamed("Made after the demotion"), 0);
}

TEST_F(ReadWithCheckPg, RightsGivenCountAtTheVeryNextWrite) {
  const std::int64_t uid = MakeUser("promoted writer", "a writer's phrase to promote");
  // Reads once, so that its password is known; it may not create categories.
  ASSERT_TRUE(std::holds_alternative<Value>(SearchCategories(uid, "a writer's phrase to promote")));
  auto refused = CreateCategory(uid, "a writer's phrase to promote", "Made before the promotion");
  EXPECT_NE(Refusal(refused).find("odoo.exceptions.AccessError"), std::string::npos) << Refusal(refused);
  const std::uint64_t missed = Missed();
  SetGroups(uid, {"group_user", "group_partner_manager"});
  // Refused under the cached rights, run again under the new ones: allowed.
  auto made = CreateCategory(uid, "a writer's phrase to promote", "Made after the promotion");
  EXPECT_TRUE(std::holds_alternative<Value>(made)) << Refusal(made);
  EXPECT_EQ(Missed(), missed + 1);
  EXPECT_EQ(CategoriesNamed("Made before the promotion"), 0);
  EXPECT_EQ(CategoriesNamed("Made after the promotion"), 1);
}

// A create rule answered by the INSERT itself (RETURNING) under the cached
// rules would let the row through; the check finds the rules changed, and
// the create runs again under the new rule, which refuses it.
TEST_F(ReadWithCheckPg, ACreateRuleAddedCountsAtTheVeryNextCreate) {
  const std::int64_t uid = MakeWriter("ruled writer", "a writer's phrase to rule");
  const Value model = Admin("ir.model", "search",
                            Value::array({Value::array({Value::array({"model", "=", "res.partner.category"})})}));
  ASSERT_EQ(model.size(), 1u);
  const std::uint64_t missed = Missed();
  const Value rule = Admin("ir.rule", "create",
                           Value::array({Value{{"name", "no forbidden categories"},
                                               {"model_id", model.at(0)},
                                               {"domain_force", "[[\"name\", \"not ilike\", \"forbidden\"]]"},
                                               {"perm_read", false},
                                               {"perm_write", false},
                                               {"perm_unlink", false},
                                               {"perm_create", true}}}));
  auto refused = CreateCategory(uid, "a writer's phrase to rule", "Forbidden by the new rule");
  EXPECT_NE(Refusal(refused).find("odoo.exceptions.AccessError"), std::string::npos) << Refusal(refused);
  EXPECT_EQ(Missed(), missed + 1);
  EXPECT_EQ(CategoriesNamed("Forbidden by the new rule"), 0);
  auto allowed = CreateCategory(uid, "a writer's phrase to rule", "Allowed by the new rule");
  EXPECT_TRUE(std::holds_alternative<Value>(allowed)) << Refusal(allowed);
  EXPECT_EQ(Missed(), missed + 1);
  Admin("ir.rule", "unlink", Value::array({Value::array({rule})}));
}

// An API key given as the password: its cache entry is the key's, so a write
// cannot be judged from the user's row alone and is checked first (reads
// still travel with their check, which then reads the keys).
TEST_F(ReadWithCheckPg, WritesWithAnApiKeyAreCheckedFirst) {
  const std::int64_t uid = MakeWriter("keyed writer", "a writer's phrase for keys");
  const std::string key = MakeApiKey(uid, "a writer's phrase for keys", "ci");
  ASSERT_FALSE(key.empty());
  auto first = CreateCategory(uid, key, "Made with a key");  // verifies the key
  ASSERT_TRUE(std::holds_alternative<Value>(first)) << Refusal(first);
  const std::uint64_t sent = SentWithCheck();
  const std::uint64_t missed = Missed();
  auto second = CreateCategory(uid, key, "Made with a key again");
  ASSERT_TRUE(std::holds_alternative<Value>(second)) << Refusal(second);
  EXPECT_EQ(SentWithCheck(), sent) << "a key's write is checked first";
  auto read = SearchCategories(uid, key);
  ASSERT_TRUE(std::holds_alternative<Value>(read)) << Refusal(read);
  EXPECT_EQ(SentWithCheck(), sent + 1);
  EXPECT_EQ(Missed(), missed);
  EXPECT_EQ(CategoriesNamed("Made with a key again"), 1);
}

// The same when the key was first verified by common.authenticate, the way
// a script signs in before its calls: the entry the sign-in caches is the
// key's too, so the key's writes are checked first rather than sent with a
// check bound to miss (the password's hash is not the key's) and run twice.
TEST_F(ReadWithCheckPg, AKeyVerifiedAtSignInIsCachedAsAKey) {
  const std::int64_t uid = MakeWriter("signed-in writer", "a signed-in writer's phrase");
  const std::string key = MakeApiKey(uid, "a signed-in writer's phrase", "script");
  ASSERT_FALSE(key.empty());
  auto signed_in = services_->Dispatch("common", "authenticate",
                                       Value::array({kTenant, "signed-in writer", key, Value::object()}));
  ASSERT_TRUE(std::holds_alternative<Value>(signed_in)) << Refusal(signed_in);
  ASSERT_EQ(std::get<Value>(signed_in), uid) << "the key signs in";
  EXPECT_FALSE(services_->services->credentials.HoldsForPassword(kTenant, uid, key));
  EXPECT_TRUE(services_->services->credentials.Holds(kTenant, uid, key));
  const std::uint64_t sent = SentWithCheck();
  const std::uint64_t missed = Missed();
  auto write = CreateCategory(uid, key, "Made after signing in with a key");
  ASSERT_TRUE(std::holds_alternative<Value>(write)) << Refusal(write);
  EXPECT_EQ(SentWithCheck(), sent) << "checked first, not sent with a check that must miss";
  EXPECT_EQ(Missed(), missed);
  EXPECT_EQ(CategoriesNamed("Made after signing in with a key"), 1);
}

// A wrong secret is never cached as right, on either way in: the cache does
// not grow, and the right password is still needed (and still works) after.
TEST_F(ReadWithCheckPg, AWrongPasswordIsNeverCached) {
  const std::int64_t uid = MakeUser("careful reader", "the careful reader's phrase");
  const std::size_t before = services_->services->credentials.size();
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto read = SearchCategories(uid, "not the careful reader's phrase");
    EXPECT_EQ(Refusal(read), "odoo.exceptions.AccessDenied: Access Denied");
    auto signed_in = services_->Dispatch(
        "common", "authenticate",
        Value::array({kTenant, "careful reader", "not the careful reader's phrase", Value::object()}), "192.0.2.77");
    ASSERT_TRUE(std::holds_alternative<Value>(signed_in)) << Refusal(signed_in);
    EXPECT_EQ(std::get<Value>(signed_in), false);
    EXPECT_FALSE(services_->services->credentials.Holds(kTenant, uid, "not the careful reader's phrase"));
  }
  EXPECT_EQ(services_->services->credentials.size(), before);
  auto right = SearchCategories(uid, "the careful reader's phrase");
  EXPECT_TRUE(std::holds_alternative<Value>(right)) << Refusal(right);
  EXPECT_EQ(services_->services->credentials.size(), before + 1);
}

}  // namespace
}  // namespace citadel
