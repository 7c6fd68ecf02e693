// Read-only calls sent in the round trip of their own credential check
// (rpc/object_service.cpp): once a user's password was verified, a search or
// read goes out together with the statement that checks it, and is answered
// only if the check then holds in the same transaction. Attacked here through
// execute_kw's dispatcher on a real tenant: a password changed, a user
// archived or rights taken away between two calls must count at the very
// next call — refused exactly as before, never answered with data — and
// calls that write never take that path.
#include <gtest/gtest.h>

#include "orm/security_cache.hpp"
#include "rpc/object_call_counters.hpp"
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

  static testing::RpcTestServices* services_;
};

testing::RpcTestServices* ReadWithCheckPg::services_ = nullptr;

TEST_F(ReadWithCheckPg, ReadsTravelWithTheirCheckOnceThePasswordIsKnownAndWritesNever) {
  const std::int64_t uid = MakeUser("reader", "reader's own secret phrase");
  Admin("res.partner.category", "create", Value::array({Value{{"name", "Suppliers"}}}));
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
  // A call that writes is checked first, always.
  auto made = Execute(kAdminUid, testing::kRpcTestAdminPassword, "res.partner", "create",
                      Value::array({Value{{"name", "Written after the check"}}}));
  ASSERT_TRUE(std::holds_alternative<Value>(made)) << Refusal(made);
  EXPECT_EQ(SentWithCheck(), sent + 6);
  EXPECT_EQ(Missed(), 0u);
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

}  // namespace
}  // namespace citadel
