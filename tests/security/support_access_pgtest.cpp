// Support access, attacked through the real entry points (execute_kw's
// dispatcher and the staff sign-in handler) on real tenants with the real
// modules: staff enter only with password + TOTP under a grant the tenant's
// admin opened; inside, as support@platform, the grant's scope is enforced
// by the ORM (read-only refuses writes, other models refused, accounts and
// secrets never); a revoked grant or a disabled account refuses the next
// call; every step is in the tenant's audit chain, which only that tenant's
// admin reads and verifies, and which shows tampering.
#include <chrono>
#include <future>

#include <gtest/gtest.h>

#include "auth/totp.hpp"
#include "core/password_hasher.hpp"
#include "orm/record_set.hpp"
#include "orm/transaction_runner.hpp"
#include "platform/staff_accounts.hpp"
#include "platform/support_access.hpp"
#include "rpc/rpc_services.hpp"
#include "rpc/support_routes.hpp"
#include "rpc_test_services.hpp"

namespace citadel {
namespace {

using db::testing::PgTestCluster;
using orm::Value;

constexpr const char* kAdminPassword = testing::kRpcTestAdminPassword;
const std::string kTotpSecret = "12345678901234567890";  // RFC 6238's test secret

class SupportAccessPg : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rig_ = testing::RpcTestServices::Open({"acme", "globex"}).release();
    ASSERT_NE(rig_, nullptr);
    tenants_ = rig_->tenants.get();
    installed_ = rig_->installed;
    services_ = rig_->services.get();
    access_ = new platform::SupportAccess(*tenants_);
    services_->support = access_;
  }
  // Before the harness stops PostgreSQL: the pools' reaper threads end here,
  // not during the process's exit.
  static void TearDownTestSuite() {
    if (services_ != nullptr) services_->support = nullptr;
    delete access_;
    delete rig_;
    access_ = nullptr;
    rig_ = nullptr;
    services_ = nullptr;
    tenants_ = nullptr;
  }

  // execute_kw as a client sends it.
  static rpc::RpcOutcome Call(const std::string& db, std::int64_t uid, const std::string& secret,
                              const std::string& model, const std::string& method, Value args,
                              Value kwargs = Value::object()) {
    return rig_->Dispatch("object", "execute_kw",
                          Value::array({db, uid, secret, model, method, args, kwargs}));
  }
  static Value Ok(const rpc::RpcOutcome& outcome) {
    if (const auto* error = std::get_if<rpc::RpcError>(&outcome)) {
      ADD_FAILURE() << error->name << ": " << error->message;
      return Value();
    }
    return std::get<Value>(outcome);
  }
  static std::string Refused(const rpc::RpcOutcome& outcome) {
    const auto* error = std::get_if<rpc::RpcError>(&outcome);
    return error != nullptr ? error->name : "(it was allowed)";
  }
  static Value Admin(const std::string& db, const std::string& model, const std::string& method,
                     Value args, Value kwargs = Value::object()) {
    return Ok(Call(db, 2, kAdminPassword, model, method, std::move(args), std::move(kwargs)));
  }

  // A staff account of this test's own, TOTP secret kTotpSecret.
  std::string AddStaff(const std::string& login) {
    platform::StaffAccounts staff(*tenants_);
    auto added = staff.Add(login, core::PasswordHasher(1000).Hash("staff password 1"),
                           auth::Base32Encode(kTotpSecret, false));
    EXPECT_TRUE(added) << added.error().message;
    return login;
  }
  void SetUp() override {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    first_step_ = auth::TotpStepAt(now);
  }
  // The code of the test's first step, or of one later: within the ±1 step
  // the server accepts whenever the test crosses a step boundary.
  static std::string Code(int steps_ahead = 0) {
    return auth::TotpCode(kTotpSecret, first_step_ + steps_ahead);
  }
  static rpc::RpcOutcome SignIn(Value params) {
    rpc::JsonCall call;
    call.params = std::move(params);
    call.request_id = "test";
    call.client_ip = "192.0.2.20";
    std::promise<rpc::RpcOutcome> answer;
    rpc::StaffSignIn(*services_, std::move(call), [&answer](rpc::JsonReply reply) {
      answer.set_value(std::move(reply.outcome));
    });
    return answer.get_future().get();
  }
  static Value SignInOk(const std::string& db, const std::string& login, int steps_ahead = 0) {
    return Ok(SignIn({{"db", db},
                      {"login", login},
                      {"password", "staff password 1"},
                      {"totp", Code(steps_ahead)}}));
  }
  static Value OpenGrant(const std::string& db, Value models, const std::string& access,
                         const std::string& staff) {
    return Admin(
        db, "citadel.support.grant", "open_grant", Value::array(),
        {{"models", std::move(models)}, {"access", access}, {"hours", 2}, {"staff_login", staff}});
  }
  static Value Audit(const std::string& db) {
    return Admin(db, "citadel.support.audit", "read_entries", Value::array(), {{"limit", 500}});
  }
  static std::vector<std::string> Actions(const Value& entries, const std::string& staff) {
    std::vector<std::string> actions;
    for (const Value& e : entries)
      if (e["staff"] == staff) actions.push_back(e["action"].get<std::string>());
    return actions;
  }

  static inline std::shared_ptr<const cli::InstalledModuleSet> installed_;
  static inline platform::TenantService* tenants_ = nullptr;
  static inline testing::RpcTestServices* rig_ = nullptr;
  static inline platform::SupportAccess* access_ = nullptr;
  static inline rpc::RpcServices* services_ = nullptr;
  static inline std::int64_t first_step_ = 0;
};

TEST_F(SupportAccessPg, OnlyTheTenantsAdminOpensListsAndRevokesGrants) {
  // A plain internal user of the same tenant: the ORM's access rights refuse.
  auto connection = tenants_->Acquire("acme");
  ASSERT_TRUE(connection);
  std::int64_t clerk = 0;
  {
    orm::TransactionRunner runner(**connection, installed_->registry);
    clerk = runner.Run([&] {
      orm::Environment env(installed_->registry, **connection, 1);
      auto group = env.connection().Execute(
          "SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'group_user'");
      const std::int64_t group_user = std::stoll(group->Text(0, "res_id"));
      return orm::RecordSet::Of(env.Sudo(), "res.users")
          .Create(Value::array(
              {{{"login", "clerk"},
                {"name", "Clerk"},
                {"groups_id", Value::array({Value::array({6, 0, Value::array({group_user})})})}}}))
          .at(0);
    });
  }
  ASSERT_TRUE((*connection)
                  ->Execute("UPDATE res_users SET password = $1 WHERE id = $2",
                            core::PasswordHasher(1000).Hash("clerk password 99"), clerk));
  EXPECT_EQ(Refused(Call("acme", clerk, "clerk password 99", "citadel.support.grant", "open_grant",
                         Value::array({Value::array({"res.partner"})}))),
            "odoo.exceptions.AccessError");
  EXPECT_EQ(Refused(Call("acme", clerk, "clerk password 99", "citadel.support.audit",
                         "read_entries", Value::array())),
            "odoo.exceptions.AccessError");

  const std::string staff = AddStaff("grant-admin");
  Value grant = OpenGrant("acme", Value::array({"res.partner"}), "read", staff);
  EXPECT_EQ(grant["access"], "read");
  EXPECT_EQ(grant["opened_by"], "admin#2");
  EXPECT_EQ(Refused(Call("acme", 2, kAdminPassword, "citadel.support.grant", "open_grant",
                         Value::array(), {{"models", Value::array({"no.such.model"})}})),
            "odoo.exceptions.ValidationError");
  EXPECT_EQ(
      Refused(Call("acme", 2, kAdminPassword, "citadel.support.grant", "open_grant", Value::array(),
                   {{"models", Value::array({"res.partner"})}, {"hours", 169}})),
      "odoo.exceptions.ValidationError")
      << "at most 7 days";
  bool listed = false;
  for (const Value& g : Admin("acme", "citadel.support.grant", "list_grants", Value::array()))
    listed = listed || g["id"] == grant["id"];
  EXPECT_TRUE(listed);
  for (const Value& g : Admin("globex", "citadel.support.grant", "list_grants", Value::array(),
                              {{"include_ended", true}}))
    EXPECT_NE(g["id"], grant["id"]) << "another tenant's admin never sees it";
  EXPECT_EQ(Admin("globex", "citadel.support.grant", "revoke_grant", Value::array({grant["id"]})),
            false)
      << "nor revokes it";
  EXPECT_EQ(Admin("acme", "citadel.support.grant", "revoke_grant", Value::array({grant["id"]})),
            true);
}

TEST_F(SupportAccessPg, AReadOnlyGrantReadsItsModelsAsSupportAndChangesNothing) {
  const std::string staff = AddStaff("reader");
  OpenGrant("acme", Value::array({"res.partner"}), "read", staff);
  Value entered = SignInOk("acme", staff);
  const std::int64_t uid = entered["uid"].get<std::int64_t>();
  const std::string token = entered["token"].get<std::string>();
  EXPECT_NE(uid, 2) << "never the customer's admin";
  Value me = Admin("acme", "res.users", "read", Value::array({Value::array({uid})}),
                   {{"fields", Value::array({"login"})}});
  EXPECT_EQ(me[0]["login"], "support@platform");

  Value partners =
      Ok(Call("acme", uid, token, "res.partner", "search_read", Value::array({Value::array()}),
              {{"fields", Value::array({"name"})}, {"limit", 5}}));
  EXPECT_FALSE(partners.empty());
  EXPECT_EQ(Refused(Call("acme", uid, token, "res.partner", "write",
                         Value::array({Value::array({partners[0]["id"]}),
                                       {{"name", "Changed by support"}}}))),
            "odoo.exceptions.AccessError");
  EXPECT_EQ(
      Refused(Call("acme", uid, token, "res.partner", "create", Value::array({{{"name", "New"}}}))),
      "odoo.exceptions.AccessError");
  EXPECT_EQ(Refused(Call("acme", uid, token, "res.users", "search_read",
                         Value::array({Value::array()}), {{"fields", Value::array({"login"})}})),
            "odoo.exceptions.AccessError")
      << "a model outside the grant";
  EXPECT_EQ(Refused(Call("acme", uid, token, "res.users.apikeys", "search_read",
                         Value::array({Value::array()}))),
            "odoo.exceptions.AccessError");
  EXPECT_EQ(
      Refused(Call("acme", uid, token, "citadel.support.audit", "read_entries", Value::array())),
      "odoo.exceptions.AccessError")
      << "staff never read or open grants themselves";
  // The token is only a staff session's: not another tenant, not another uid.
  EXPECT_EQ(Refused(Call("globex", uid, token, "res.partner", "search_count",
                         Value::array({Value::array()}))),
            "odoo.exceptions.AccessDenied");
  EXPECT_EQ(Refused(Call("acme", 2, token, "res.partner", "search_count",
                         Value::array({Value::array()}))),
            "odoo.exceptions.AccessDenied");

  const std::vector<std::string> actions = Actions(Audit("acme"), staff);
  EXPECT_EQ(actions, (std::vector<std::string>{"sign_in", "call", "call", "call", "call", "call",
                                               "call", "call_refused", "call_refused"}));
  Value entries = Audit("acme");
  bool failed_write_audited = false;
  for (const Value& e : entries) {
    if (e["staff"] != staff || e["action"] != "call") continue;
    const Value details = Value::parse(e["details"].get<std::string>());
    if (details["method"] == "write") failed_write_audited = details["outcome"] == "error";
  }
  EXPECT_TRUE(failed_write_audited) << "a refused call is audited too, with its outcome";
  EXPECT_EQ(Admin("acme", "citadel.support.audit", "verify_chain", Value::array())["ok"], true);
}

TEST_F(SupportAccessPg, AReadWriteGrantStillNeverTouchesAccountsPasswordsOrKeys) {
  const std::string staff = AddStaff("writer");
  OpenGrant("acme", Value::array({"res.partner", "res.users"}), "write", staff);
  Value entered = SignInOk("acme", staff);
  const std::int64_t uid = entered["uid"].get<std::int64_t>();
  const std::string token = entered["token"].get<std::string>();
  const Value created = Ok(Call("acme", uid, token, "res.partner", "create",
                                Value::array({{{"name", "Fixed by support"}}})));
  EXPECT_TRUE(created.is_number_integer());
  EXPECT_EQ(Refused(Call("acme", uid, token, "res.users", "write",
                         Value::array({Value::array({2}), {{"email", "attacker@example.com"}}}))),
            "odoo.exceptions.AccessError")
      << "an admin's e-mail changed would take the account over";
  EXPECT_EQ(
      Refused(Call("acme", uid, token, "res.users", "write",
                   Value::array({Value::array({uid}), {{"password", "my own password 77"}}}))),
      "odoo.exceptions.AccessError");
  EXPECT_EQ(Refused(Call("acme", uid, token, "res.users", "read", Value::array({Value::array({2})}),
                         {{"fields", Value::array({"password"})}})),
            "odoo.exceptions.AccessError");
  for (const char* action : {"action_totp_disable", "action_reset_password"}) {
    EXPECT_EQ(
        Refused(Call("acme", uid, token, "res.users", action, Value::array({Value::array({2})}))),
        "odoo.exceptions.AccessError")
        << action << ": staff never touch a user's second factor or password";
  }
  EXPECT_EQ(Refused(Call("acme", uid, token, "res.users.apikeys.description", "create",
                         Value::array({{{"name", "support key"}}}))),
            "odoo.exceptions.AccessError");
  // The support user has no password, and one the customer's admin gives it
  // opens nothing: it is entered only through a staff session, audited.
  EXPECT_EQ(
      Refused(Call("acme", uid, "", "res.partner", "search_count", Value::array({Value::array()}))),
      "odoo.exceptions.AccessDenied");
  Admin("acme", "res.users", "write",
        Value::array({Value::array({uid}), {{"password", "given by the admin 123"}}}));
  EXPECT_EQ(Refused(Call("acme", uid, "given by the admin 123", "res.partner", "search_count",
                         Value::array({Value::array()}))),
            "odoo.exceptions.AccessDenied");
  EXPECT_EQ(Ok(rig_->Dispatch("common", "authenticate",
                              Value::array({"acme", "support@platform", "given by the admin 123",
                                            Value::object()}))),
            false);
}

TEST_F(SupportAccessPg, WithoutAGrantOrWithARevokedOneStaffAreRefusedAndTheRefusalIsAudited) {
  const std::string staff = AddStaff("nogrant");
  EXPECT_EQ(
      Refused(SignIn(
          {{"db", "acme"}, {"login", staff}, {"password", "staff password 1"}, {"totp", Code()}})),
      "odoo.exceptions.AccessDenied");
  Value grant = OpenGrant("acme", Value::array({"res.partner"}), "read", staff);
  Value entered = SignInOk("acme", staff, 1);
  const std::int64_t uid = entered["uid"].get<std::int64_t>();
  const std::string token = entered["token"].get<std::string>();
  Ok(Call("acme", uid, token, "res.partner", "search_count", Value::array({Value::array()})));
  EXPECT_EQ(Admin("acme", "citadel.support.grant", "revoke_grant", Value::array({grant["id"]})),
            true);
  EXPECT_EQ(Refused(Call("acme", uid, token, "res.partner", "search_count",
                         Value::array({Value::array()}))),
            "odoo.exceptions.AccessDenied")
      << "the very next call after the customer revoked";
  EXPECT_EQ(Actions(Audit("acme"), staff),
            (std::vector<std::string>{"sign_in_refused", "sign_in", "call", "call_refused"}));
}

TEST_F(SupportAccessPg, SignInNeedsThePasswordAndAFreshTotpCodeOfAnEnabledAccount) {
  const std::string staff = AddStaff("careful");
  OpenGrant("acme", Value::array({"res.partner"}), "read", staff);
  const std::string denied = "odoo.exceptions.AccessDenied";
  EXPECT_EQ(
      Refused(SignIn(
          {{"db", "acme"}, {"login", staff}, {"password", "wrong password"}, {"totp", Code()}})),
      denied);
  // A code of none of the steps the server accepts (now and one either side).
  std::string wrong = "000000";
  for (int step = -2; step <= 2; ++step) {
    if (Code(step) == wrong) wrong = "111111";
  }
  EXPECT_EQ(
      Refused(SignIn(
          {{"db", "acme"}, {"login", staff}, {"password", "staff password 1"}, {"totp", wrong}})),
      denied);
  EXPECT_EQ(Refused(SignIn({{"db", "acme"}, {"login", staff}, {"password", "staff password 1"}})),
            denied)
      << "TOTP is mandatory";
  SignInOk("acme", staff);
  EXPECT_EQ(
      Refused(SignIn(
          {{"db", "acme"}, {"login", staff}, {"password", "staff password 1"}, {"totp", Code()}})),
      denied)
      << "a code works once";
  EXPECT_EQ(
      Refused(SignIn(
          {{"db", "acme"}, {"login", "admin"}, {"password", kAdminPassword}, {"totp", Code(1)}})),
      denied)
      << "a customer's credentials are not staff credentials";
  ASSERT_TRUE(*platform::StaffAccounts(*tenants_).Disable(staff));
  EXPECT_EQ(
      Refused(SignIn(
          {{"db", "acme"}, {"login", staff}, {"password", "staff password 1"}, {"totp", Code(1)}})),
      denied);
}

TEST_F(SupportAccessPg, EachAdminReadsOnlyTheirOwnLogAndVerificationShowsTampering) {
  const std::string staff = AddStaff("audited");
  OpenGrant("acme", Value::array({"res.partner"}), "read", staff);
  Value entered = SignInOk("acme", staff);
  Ok(Call("acme", entered["uid"].get<std::int64_t>(), entered["token"].get<std::string>(),
          "res.partner", "search_count", Value::array({Value::array()})));
  EXPECT_FALSE(Actions(Audit("acme"), staff).empty());
  EXPECT_TRUE(Actions(Audit("globex"), staff).empty()) << "globex's admin never reads acme's log";
  EXPECT_EQ(Admin("globex", "citadel.support.audit", "verify_chain", Value::array())["ok"], true);

  Value verdict = Admin("acme", "citadel.support.audit", "verify_chain", Value::array());
  ASSERT_EQ(verdict["ok"], true);
  const std::int64_t last = verdict["entries"].get<std::int64_t>();
  // The database superuser (this test) rewrites an entry behind the trigger.
  auto catalog = tenants_->AcquireCatalog();
  ASSERT_TRUE(catalog);
  ASSERT_TRUE((*catalog)->Execute("BEGIN"));
  ASSERT_TRUE(
      (*catalog)->Execute("ALTER TABLE support_audit DISABLE TRIGGER support_audit_no_change"));
  ASSERT_TRUE((*catalog)->Execute(
      "UPDATE support_audit SET action = 'nothing' WHERE seq = $1 AND tenant_id = "
      "(SELECT id FROM tenants WHERE name = 'acme' AND state = 'active')",
      last));
  ASSERT_TRUE(
      (*catalog)->Execute("ALTER TABLE support_audit ENABLE TRIGGER support_audit_no_change"));
  ASSERT_TRUE((*catalog)->Execute("COMMIT"));
  verdict = Admin("acme", "citadel.support.audit", "verify_chain", Value::array());
  EXPECT_EQ(verdict["ok"], false);
  EXPECT_EQ(verdict["first_broken_seq"], last);
}

TEST_F(SupportAccessPg, AStaffCallThatCannotBeAuditedDoesNothingAndAnswersNothing) {
  const std::string staff = AddStaff("unaudited");
  OpenGrant("acme", Value::array({"res.partner"}), "write", staff);
  Value entered = SignInOk("acme", staff);
  const std::int64_t uid = entered["uid"].get<std::int64_t>();
  const std::string token = entered["token"].get<std::string>();
  // The catalog refuses the calls' audit entries for a moment.
  auto catalog = tenants_->AcquireCatalog();
  ASSERT_TRUE(catalog);
  ASSERT_TRUE(
      (*catalog)->Execute("ALTER TABLE support_audit ADD CONSTRAINT support_audit_test_outage "
                          "CHECK (action <> 'call') NOT VALID"));
  const rpc::RpcOutcome created = Call("acme", uid, token, "res.partner", "create",
                                       Value::array({{{"name", "Made unaudited"}}}));
  const rpc::RpcOutcome read =
      Call("acme", uid, token, "res.partner", "search_read", Value::array({Value::array()}),
           {{"fields", Value::array({"name"})}});
  ASSERT_TRUE(
      (*catalog)->Execute("ALTER TABLE support_audit DROP CONSTRAINT support_audit_test_outage"));
  EXPECT_EQ(Refused(created), "odoo.exceptions.UserError");
  EXPECT_EQ(Refused(read), "odoo.exceptions.UserError") << "nothing read is answered unaudited";
  EXPECT_EQ(Admin("acme", "res.partner", "search_count",
                  Value::array({Value::array({Value::array({"name", "=", "Made unaudited"})})})),
            0)
      << "the write was rolled back with its missing audit entry";
}

TEST_F(SupportAccessPg, SigningOutEndsTheSessionAndIsAudited) {
  const std::string staff = AddStaff("leaver");
  OpenGrant("acme", Value::array({"res.partner"}), "read", staff);
  Value entered = SignInOk("acme", staff);
  const std::string token = entered["token"].get<std::string>();
  auto sign_out = [&] {
    rpc::JsonCall call;
    call.params = {{"token", token}};
    std::promise<rpc::RpcOutcome> answer;
    rpc::StaffSignOut(*services_, std::move(call), [&answer](rpc::JsonReply reply) {
      answer.set_value(std::move(reply.outcome));
    });
    return answer.get_future().get();
  };
  EXPECT_EQ(Ok(sign_out()), true);
  EXPECT_EQ(Ok(sign_out()), false) << "once";
  EXPECT_EQ(Refused(Call("acme", entered["uid"].get<std::int64_t>(), token, "res.partner",
                         "search_count", Value::array({Value::array()}))),
            "odoo.exceptions.AccessDenied");
  EXPECT_EQ(Actions(Audit("acme"), staff),
            (std::vector<std::string>{"sign_in", "sign_out", "call_refused"}));
}

TEST_F(SupportAccessPg, StaffOpenAGrantWithATicketOnlyWhereTheOperatorAllowsIt) {
  const std::string staff = AddStaff("ticketed");
  Value asked = {{"db", "acme"},   {"login", staff},     {"password", "staff password 1"},
                 {"totp", Code()}, {"ticket", "T-4242"}, {"models", Value::array({"res.partner"})}};
  EXPECT_EQ(Refused(SignIn(asked)), "odoo.exceptions.AccessDenied") << "off by default";
  platform::SupportAccess allowing(*tenants_, {true});
  services_->support = &allowing;
  asked["totp"] = Code(1);
  Value entered = Ok(SignIn(asked));
  services_->support = access_;
  EXPECT_EQ(entered["grant"]["access"], "read") << "a staff-opened grant is read-only";
  EXPECT_EQ(entered["grant"]["ticket"], "T-4242");
  EXPECT_EQ(entered["grant"]["opened_by"], "staff:" + staff);
  bool customer_sees_it = false;
  for (const Value& g : Admin("acme", "citadel.support.grant", "list_grants", Value::array()))
    customer_sees_it = customer_sees_it || g["id"] == entered["grant"]["id"];
  EXPECT_TRUE(customer_sees_it);
  EXPECT_EQ(Actions(Audit("acme"), staff),
            (std::vector<std::string>{"sign_in_refused", "grant_opened_by_staff", "sign_in"}));
}

}  // namespace
}  // namespace citadel
