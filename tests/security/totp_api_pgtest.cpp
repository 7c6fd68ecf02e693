// Two-factor authentication against the external API, attacked through the
// real entry points (common.authenticate, execute_kw's dispatcher and the
// sign-in check behind /web/session/authenticate and the login page) on a
// real tenant with the real modules: once a user has a second factor, their
// password opens nothing there — not even through a credential-cache entry
// made before — and is refused exactly as a wrong password is; their API
// keys still work, and a removed key stops at the next call. Only the login
// page's check (kPasswordBeforeSecondFactor) takes the password, and says
// a second factor must follow.
#include <future>

#include <gtest/gtest.h>

#include "auth/totp.hpp"
#include "cli/installed_modules.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "modules/base/user_totp.hpp"
#include "rpc/login_check.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel {
namespace {

using orm::Value;

constexpr const char* kTenant = "totp-acme";
constexpr const char* kPassword = "a long admin password";
constexpr std::int64_t kAdminUid = 2;

class TotpApiPg : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto installed = cli::LoadInstalledModules();
    ASSERT_TRUE(installed) << installed.error().message;
    installed_ = *installed;
    platform::TenantServiceOptions options;
    options.data_dir = db::testing::PgTestDataDir();
    options.pbkdf2_rounds = 1000;
    options.modules = cli::ModuleHooks(installed_);
    auto service = platform::TenantService::Open(db::testing::PgTestCluster().Access(), options);
    ASSERT_TRUE(service) << service.error().message;
    tenants_ = std::move(*service).release();
    auto made = tenants_->Create({kTenant, "admin", kPassword});
    ASSERT_TRUE(made) << made.error().message;
    directory_ = rpc::MakePlatformTenantDirectory(*tenants_).release();
    workers_ = new core::BoundedWorkerPool("db", 2, 64);
    hashing_ = new core::PasswordHashingService(1000, 1, 64);
    credentials_ = new rpc::CredentialCache();
    services_ = new rpc::RpcServices{*directory_, installed_->registry, *workers_, *hashing_, *credentials_, {}};
  }
  // Before the harness stops PostgreSQL: the worker and reaper threads end
  // here, not during the process's exit.
  static void TearDownTestSuite() {
    delete services_;
    delete credentials_;
    delete hashing_;
    delete workers_;
    delete directory_;
    delete tenants_;
    services_ = nullptr;
    credentials_ = nullptr;
    hashing_ = nullptr;
    workers_ = nullptr;
    directory_ = nullptr;
    tenants_ = nullptr;
  }

  static rpc::RpcOutcome Dispatch(const std::string& service, const std::string& method, Value params) {
    std::promise<rpc::RpcOutcome> answer;
    rpc::DispatchRpc(*services_, rpc::RpcCall{service, method, std::move(params), "test", "192.0.2.30"},
                     [&answer](rpc::RpcOutcome o) { answer.set_value(std::move(o)); });
    return answer.get_future().get();
  }
  static Value Authenticate(const std::string& secret) {
    auto outcome = Dispatch("common", "authenticate", Value::array({kTenant, "admin", secret, Value::object()}));
    if (const auto* error = std::get_if<rpc::RpcError>(&outcome)) return error->name;
    return std::get<Value>(outcome);
  }
  static rpc::RpcOutcome Execute(const std::string& secret, const std::string& model, const std::string& method,
                                 Value args, Value kwargs = Value::object()) {
    return Dispatch("object", "execute_kw",
                    Value::array({kTenant, kAdminUid, secret, model, method, std::move(args), std::move(kwargs)}));
  }
  static std::string Refusal(const rpc::RpcOutcome& outcome) {
    const auto* error = std::get_if<rpc::RpcError>(&outcome);
    return error != nullptr ? error->name + ": " + error->message : "(it was allowed)";
  }
  static std::optional<rpc::StoredCredential> Check(const std::string& secret, rpc::LoginSecrets accepted) {
    std::promise<rpc::LoginOutcome> answer;
    rpc::CheckLogin(*services_, kTenant, "admin", secret, "192.0.2.31", "test", accepted,
                    [&answer](rpc::LoginOutcome o) { answer.set_value(std::move(o)); });
    auto outcome = answer.get_future().get();
    if (std::holds_alternative<rpc::RpcError>(outcome)) ADD_FAILURE() << std::get<rpc::RpcError>(outcome).message;
    return std::holds_alternative<rpc::RpcError>(outcome) ? std::nullopt
                                                          : std::get<std::optional<rpc::StoredCredential>>(outcome);
  }
  // An API key of the admin's, made the Odoo 18 way.
  static std::string MakeKey() {
    const Value wizard = std::get<Value>(Execute(kPassword, "res.users.apikeys.description", "create",
                                                 Value::array({{{"name", "ci"}, {"expiration_date", false}}})));
    const Value action = std::get<Value>(
        Execute(kPassword, "res.users.apikeys.description", "make_key", Value::array({Value::array({wizard})})));
    return action["context"]["default_key"].get<std::string>();
  }
  static void TurnOnTotp() {
    auto connection = directory_->Acquire(kTenant);
    ASSERT_TRUE(connection) << connection.error().message;
    auto secret = modules::base::StartTotpEnrolment(**connection, kAdminUid);
    ASSERT_TRUE(secret && *secret);
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    std::vector<std::string> recovery;
    auto verdict = modules::base::ConfirmTotpEnrolment(
        **connection, kAdminUid, auth::TotpCode(**secret, auth::TotpStepAt(now)), now, recovery);
    ASSERT_TRUE(verdict && *verdict == modules::base::SecondFactorVerdict::kAccepted);
  }
  static void TurnOffTotp() {
    auto connection = directory_->Acquire(kTenant);
    ASSERT_TRUE(connection);
    ASSERT_TRUE(modules::base::DisableTotp(**connection, kAdminUid));
  }

  static inline std::shared_ptr<const cli::InstalledModuleSet> installed_;
  static inline platform::TenantService* tenants_ = nullptr;
  static inline rpc::TenantDirectory* directory_ = nullptr;
  static inline core::BoundedWorkerPool* workers_ = nullptr;
  static inline core::PasswordHashingService* hashing_ = nullptr;
  static inline rpc::CredentialCache* credentials_ = nullptr;
  static inline rpc::RpcServices* services_ = nullptr;
};

TEST_F(TotpApiPg, APasswordStopsOpeningTheApiOnceTheSecondFactorIsOnWhileKeysWork) {
  // Before: the password works, and execute_kw's cache now holds it.
  EXPECT_EQ(Authenticate(kPassword), kAdminUid);
  const Value read = Value::array({Value::array({kAdminUid}), Value::array({"login"})});
  EXPECT_EQ(Refusal(Execute(kPassword, "res.users", "read", read)), "(it was allowed)");
  const std::string key = MakeKey();
  TurnOnTotp();

  // After: refused everywhere, exactly as a wrong password.
  EXPECT_EQ(Authenticate(kPassword), false);
  const std::string wrong = Refusal(Execute("not the password", "res.users", "read", read));
  EXPECT_NE(wrong, "(it was allowed)");
  EXPECT_EQ(Refusal(Execute(kPassword, "res.users", "read", read)), wrong);
  EXPECT_FALSE(Check(kPassword, rpc::LoginSecrets::kPasswordOnly));       // /web/session/authenticate
  EXPECT_FALSE(Check(kPassword, rpc::LoginSecrets::kPasswordOrApiKey));   // common.authenticate
  // The login page's first step takes it, and learns a code must follow.
  auto page = Check(kPassword, rpc::LoginSecrets::kPasswordBeforeSecondFactor);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->totp_enabled);
  EXPECT_FALSE(Check("not the password", rpc::LoginSecrets::kPasswordBeforeSecondFactor));

  // The API key works in its place; removed, it stops at the next call.
  EXPECT_EQ(Authenticate(key), kAdminUid);
  EXPECT_EQ(Refusal(Execute(key, "res.users", "read", read)), "(it was allowed)");
  const Value ids = std::get<Value>(Execute(key, "res.users.apikeys", "search", Value::array({Value::array()})));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(Refusal(Execute(key, "res.users.apikeys", "remove", Value::array({ids}))), "(it was allowed)");
  EXPECT_EQ(Refusal(Execute(key, "res.users", "read", read)), wrong);
  EXPECT_EQ(Authenticate(key), false);

  // Turned off again, the password is back.
  TurnOffTotp();
  EXPECT_EQ(Authenticate(kPassword), kAdminUid);
  EXPECT_EQ(Refusal(Execute(kPassword, "res.users", "read", read)), "(it was allowed)");
}

}  // namespace
}  // namespace citadel
