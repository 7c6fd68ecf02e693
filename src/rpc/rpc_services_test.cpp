// The services' answers that need no database: the dispatcher's refusals,
// common.version/about, db's refusals, and the credential paths that end
// before a connection (unknown database, empty password), which must look
// exactly like a wrong password.
#include "rpc/rpc_services.hpp"

#include <future>

#include <gtest/gtest.h>

namespace citadel::rpc {
namespace {

using orm::Value;

class FakeTenants final : public TenantDirectory {
 public:
  bool IsLive(const std::string& name) override { return name == "acme"; }
  core::Result<db::PooledConnection> Acquire(const std::string&) override {
    return core::Fail(core::ErrorCode::kUnavailable, "no database in unit tests");
  }
  core::Result<std::vector<std::string>> LiveNames() override {
    return std::vector<std::string>{"acme"};
  }
};

class RpcServicesTest : public ::testing::Test {
 protected:
  RpcOutcome Call(std::string service, std::string method, Value params) {
    std::promise<RpcOutcome> promise;
    DispatchRpc(services_, RpcCall{std::move(service), std::move(method), std::move(params), "r1", "127.0.0.1"},
                [&promise](RpcOutcome outcome) { promise.set_value(std::move(outcome)); });
    return promise.get_future().get();
  }
  Value Result(std::string service, std::string method, Value params) {
    auto outcome = Call(std::move(service), std::move(method), std::move(params));
    if (auto* error = std::get_if<RpcError>(&outcome)) {
      ADD_FAILURE() << error->name << ": " << error->message;
      return Value();
    }
    return std::get<Value>(outcome);
  }
  RpcError Error(std::string service, std::string method, Value params) {
    auto outcome = Call(std::move(service), std::move(method), std::move(params));
    if (auto* value = std::get_if<Value>(&outcome)) {
      ADD_FAILURE() << "answered " << value->dump();
      return RpcError();
    }
    return std::get<RpcError>(outcome);
  }

  FakeTenants tenants_;
  core::BoundedWorkerPool workers_{"db", 1, 16};
  core::PasswordHashingService hashing_{1000, 1, 16};
  CredentialCache cache_;
  RpcServices services_{tenants_, nullptr, workers_, hashing_, cache_, {}};
};

TEST_F(RpcServicesTest, VersionIsOdoo18s) {
  EXPECT_EQ(Result("common", "version", Value::array()), Value::parse(R"({"server_version": "18.0",
      "server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0", "protocol_version": 1})"));
  EXPECT_EQ(Result("common", "about", Value::array()), "See http://openerp.com");
  EXPECT_EQ(Result("common", "about", Value::array({true})),
            Value::array({"See http://openerp.com", "18.0"}));
  EXPECT_EQ(Error("common", "version", Value::array({1})).message,
            "exp_version() takes 0 positional arguments but 1 was given");
}

TEST_F(RpcServicesTest, UnknownServiceAndMethodsFailAsOdoosDispatchers) {
  RpcError error = Error("nope", "version", Value::array());
  EXPECT_EQ(error.name, "builtins.KeyError");
  EXPECT_EQ(error.message, "nope");
  error = Error("common", "drop_everything", Value::array());
  EXPECT_EQ(error.name, "builtins.Exception");
  EXPECT_EQ(error.message, "Method not found: drop_everything");
  error = Error("db", "nope", Value::array());
  EXPECT_EQ(error.name, "builtins.KeyError");
  EXPECT_EQ(error.message, "Method not found: nope");
}

TEST_F(RpcServicesTest, AuthenticateAnswersFalseForAnUnknownDatabaseOrEmptyPassword) {
  EXPECT_EQ(Result("common", "authenticate", Value::parse(R"(["nowhere", "admin", "pw", {}])")), false);
  EXPECT_EQ(Result("common", "login", Value::parse(R"(["acme", "admin", ""])")), false);
  EXPECT_EQ(Result("common", "login", Value::parse(R"(["acme", 5, false])")), false);
  EXPECT_EQ(Error("common", "authenticate", Value::parse(R"(["acme", "admin", "pw"])")).message,
            "exp_authenticate() missing 1 required positional argument: 'user_agent_env'");
}

TEST_F(RpcServicesTest, ObjectRefusesBadCredentialsWithAccessDenied) {
  EXPECT_EQ(Error("object", "execute_kw",
                  Value::parse(R"(["nowhere", 2, "pw", "res.partner", "search", [[]]])")).name,
            "odoo.exceptions.AccessDenied");
  EXPECT_EQ(Error("object", "execute_kw", Value::parse(R"(["acme", 2, "", "res.partner", "search", [[]]])"))
                .message,
            "Access Denied");
  EXPECT_EQ(Error("object", "execute_kw", Value::parse(R"(["acme", "x", "pw"])")).message,
            "invalid literal for int() with base 10: 'x'");
  EXPECT_EQ(Error("object", "execute", Value::parse(R"(["acme", 2])")).name, "builtins.IndexError");
}

TEST_F(RpcServicesTest, DbServiceIsClosedUnlessListingIsOn) {
  EXPECT_EQ(Result("db", "server_version", Value::array()), "18.0");
  EXPECT_EQ(Error("db", "list", Value::array()).name, "odoo.exceptions.AccessDenied");
  EXPECT_EQ(Error("db", "db_exist", Value::array({"acme"})).name, "odoo.exceptions.AccessDenied");
  for (const char* method : {"create_database", "duplicate_database", "drop", "dump", "restore", "rename",
                             "change_admin_password", "migrate_databases", "list_countries"}) {
    EXPECT_EQ(Error("db", method, Value::array({"admin", "acme"})).message, "Access Denied") << method;
  }
  services_.options.list_db = true;
  EXPECT_EQ(Result("db", "list", Value::array()), Value::array({"acme"}));
  EXPECT_EQ(Result("db", "db_exist", Value::array({"acme"})), true);
  EXPECT_EQ(Result("db", "db_exist", Value::array({"other"})), false);
  EXPECT_EQ(Error("db", "drop", Value::array({"admin", "acme"})).message, "Access Denied");
}

// A full hashing queue answers "server busy" at once instead of waiting.
TEST_F(RpcServicesTest, AFullHashingPoolAnswersBusy) {
  core::PasswordHashingService full(1000, 1, /*max_queued=*/0);
  RpcServices services{tenants_, nullptr, workers_, full, cache_, {}};
  std::promise<RpcOutcome> promise;
  DispatchRpc(services, RpcCall{"common", "login", Value::parse(R"(["nowhere", "admin", "pw"])"), "r2", "127.0.0.1"},
              [&promise](RpcOutcome outcome) { promise.set_value(std::move(outcome)); });
  const RpcError error = std::get<RpcError>(promise.get_future().get());
  EXPECT_EQ(error.kind, RpcError::Kind::kBusy);
  EXPECT_EQ(error.message, "server busy");
}

}  // namespace
}  // namespace citadel::rpc
