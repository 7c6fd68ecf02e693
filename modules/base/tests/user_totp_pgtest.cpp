// A user's second factor (user_totp.hpp, models/res_users_totp.cpp) on base
// + contacts installed by the real installer: no ORM path reaches the
// secret, admins and su included; enrolment needs a current code; a code is
// taken once; recovery codes are single-use; wrong codes hit the rate limit;
// totp_enabled shows on res.users; an upgrade makes the table.
#include <gtest/gtest.h>

#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "auth/totp.hpp"
#include "modules/base/base_module.hpp"
#include "modules/base/tests/installed_base.hpp"
#include "modules/base/user_totp.hpp"
#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/module_installer.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::testing {
namespace {

using base::SecondFactorVerdict;
using orm::Environment;
using orm::RecordSet;
using orm::Value;

constexpr const char* kTotp = "res.users.totp";

std::int64_t MakeTotpUser(const Environment& admin, const std::string& login) {
  const Value groups = Value::array(
      {Value::array({6, 0, Value::array({Ref(admin.connection(), "base.group_user")})})});
  return RecordSet::Of(admin, "res.users")
      .Create({{"name", login}, {"login", login}, {"groups_id", groups}})
      .at(0);
}

std::int64_t Now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string CodeAt(const std::string& secret, std::int64_t unix_time) {
  return auth::TotpCode(secret, auth::TotpStepAt(unix_time));
}

// Enrols `uid`; returns the secret and fills the recovery codes.
std::string Enrol(db::Connection& c, std::int64_t uid, std::vector<std::string>& recovery) {
  auto secret = base::StartTotpEnrolment(c, uid);
  if (!secret || !*secret) throw std::runtime_error("enrolment did not start");
  auto confirmed = base::ConfirmTotpEnrolment(c, uid, CodeAt(**secret, Now()), Now(), recovery);
  if (!confirmed || *confirmed != SecondFactorVerdict::kAccepted) throw std::runtime_error("not confirmed");
  return **secret;
}

SecondFactorVerdict Check(db::Connection& c, std::int64_t uid, const std::string& code, std::int64_t now) {
  auto verdict = base::CheckSecondFactor(c, uid, code, now);
  if (!verdict) throw std::runtime_error(verdict.error().message);
  return *verdict;
}

TEST(UserTotp, NoOrmPathReachesTheSecretEvenForAdminsAndSu) {
  AdminTransaction t;
  const Environment& admin = t.env();
  const std::int64_t uid = MakeTotpUser(admin, "totp_secret_user");
  std::vector<std::string> recovery;
  const std::string secret = Enrol(t.connection(), uid, recovery);
  const std::string stored = Scalar(t.connection(), "SELECT secret FROM res_users_totp ORDER BY id DESC LIMIT 1");
  EXPECT_EQ(stored, auth::Base32Encode(secret, false));

  // The model has no access rights: even the admin reads nothing.
  EXPECT_THROW(RecordSet::Of(admin, kTotp).Search(Value::array()), orm::AccessError);
  EXPECT_THROW(orm::CallModelMethod(admin, kTotp, "search_read", Value::array({Value::array()}), Value::object()),
               orm::AccessError);
  // Its fields, for anyone who may ask, never name the secret columns.
  const Value description = orm::CallModelMethod(admin.Sudo(), kTotp, "fields_get", Value::array(), Value::object());
  std::set<std::string> offered;
  for (const auto& [name, value] : description.items()) offered.insert(name);
  EXPECT_EQ(offered, (std::set<std::string>{"id", "user_id", "create_date", "display_name"}));
  const std::int64_t row = std::stoll(Scalar(t.connection(), "SELECT max(id) FROM res_users_totp"));
  for (const char* column : {"secret", "last_step", "recovery_hashes", "failures", "enabled"}) {
    EXPECT_THROW(RecordSet::Of(admin.Sudo(), kTotp).Browse({row}).Read({column}), orm::ValidationError) << column;
    EXPECT_THROW(RecordSet::Of(admin.Sudo(), kTotp).Search(Value::array({Value::array({column, "like", "%"})})),
                 orm::UserError)
        << column;
    EXPECT_THROW(RecordSet::Of(admin.Sudo(), kTotp).Search(Value::array(), 0, std::nullopt, column), orm::UserError)
        << column;
    EXPECT_THROW(orm::CallModelMethod(admin.Sudo(), kTotp, "read_group",
                                      Value::array({Value::array(), Value::array({"id:count"}),
                                                    Value::array({column})}),
                                      Value::object()),
                 orm::UserError)
        << column;
  }
  // res.users offers totp_enabled, and nothing that holds the secret.
  for (const char* field : {"totp_secret", "secret"}) {
    EXPECT_THROW(RecordSet::Of(admin, "res.users").Browse({uid}).Read({field}), orm::ValidationError) << field;
    EXPECT_THROW(RecordSet::Of(admin, "res.users").Search(Value::array({Value::array({field, "!=", false})})),
                 orm::UserError)
        << field;
  }
  // Nor through a path from the user to its second-factor row.
  EXPECT_THROW(RecordSet::Of(admin, "res.users").Search(Value::array({Value::array({"totp_ids.secret", "!=", false})})),
               orm::UserError);
  const Value user = RecordSet::Of(admin, "res.users").Browse({uid}).Read({"totp_enabled"});
  EXPECT_EQ(user[0]["totp_enabled"], true);
  const Value other = RecordSet::Of(admin, "res.users").Browse({kAdmin}).Read({"totp_enabled"});
  EXPECT_EQ(other[0]["totp_enabled"], false);
  // An ORM create cannot plant a second factor: the secret column has no field.
  EXPECT_THROW(RecordSet::Of(admin.Sudo(), kTotp).Create({{"user_id", kAdmin}}), std::exception);
}

TEST(UserTotp, EnrolmentNeedsACurrentCodeAndIsThenOn) {
  AdminTransaction t;
  db::Connection& c = t.connection();
  const std::int64_t uid = MakeTotpUser(t.env(), "totp_enrol_user");
  auto enabled = base::TotpEnabled(c, uid);
  ASSERT_TRUE(enabled);
  EXPECT_FALSE(*enabled);
  auto secret = base::StartTotpEnrolment(c, uid);
  ASSERT_TRUE(secret && *secret);
  EXPECT_EQ((*secret)->size(), auth::kTotpSecretBytes);
  auto pending = base::PendingTotpSecret(c, uid);
  ASSERT_TRUE(pending && *pending);
  EXPECT_EQ(**pending, **secret);
  std::vector<std::string> recovery;
  // A code of another secret, or an old one, is wrong; checking a pending
  // enrolment is not a sign-in: CheckSecondFactor sees no second factor.
  auto wrong = base::ConfirmTotpEnrolment(c, uid, CodeAt(**secret, Now() - 300), Now(), recovery);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(*wrong, SecondFactorVerdict::kWrong);
  EXPECT_TRUE(recovery.empty());
  EXPECT_EQ(Check(c, uid, CodeAt(**secret, Now()), Now()), SecondFactorVerdict::kNotEnrolled);
  auto right = base::ConfirmTotpEnrolment(c, uid, CodeAt(**secret, Now()), Now(), recovery);
  ASSERT_TRUE(right);
  EXPECT_EQ(*right, SecondFactorVerdict::kAccepted);
  EXPECT_EQ(recovery.size(), static_cast<std::size_t>(base::kRecoveryCodeCount));
  EXPECT_EQ(std::set<std::string>(recovery.begin(), recovery.end()).size(), recovery.size());
  for (const std::string& code : recovery) EXPECT_EQ(code.size(), 19u) << code;  // 4 groups of 4
  enabled = base::TotpEnabled(c, uid);
  EXPECT_TRUE(enabled && *enabled);
  pending = base::PendingTotpSecret(c, uid);
  EXPECT_TRUE(pending && !*pending);
  // Only hashes are stored.
  const std::string hashes = Scalar(c, "SELECT recovery_hashes::text FROM res_users_totp ORDER BY id DESC LIMIT 1");
  for (const std::string& code : recovery) EXPECT_EQ(hashes.find(code), std::string::npos);
  // Once on, enrolment cannot start over (and so replace the secret).
  auto again = base::StartTotpEnrolment(c, uid);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto disabled = base::DisableTotp(c, uid);
  EXPECT_TRUE(disabled && *disabled);
  enabled = base::TotpEnabled(c, uid);
  EXPECT_TRUE(enabled && !*enabled);
}

TEST(UserTotp, ACodeIsTakenOnceEvenWithinItsWindow) {
  AdminTransaction t;
  db::Connection& c = t.connection();
  const std::int64_t uid = MakeTotpUser(t.env(), "totp_replay_user");
  std::vector<std::string> recovery;
  const std::string secret = Enrol(c, uid, recovery);
  // The enrolment took the current step: its code is spent.
  const std::int64_t now = Now();
  EXPECT_EQ(Check(c, uid, CodeAt(secret, now), now), SecondFactorVerdict::kWrong);
  // The next step's code (a clock 30 s ahead) passes once, then never again.
  const std::string next = CodeAt(secret, now + auth::kTotpStepSeconds);
  EXPECT_EQ(Check(c, uid, next, now), SecondFactorVerdict::kAccepted);
  EXPECT_EQ(Check(c, uid, next, now), SecondFactorVerdict::kWrong);
  EXPECT_EQ(Check(c, uid, next, now + auth::kTotpStepSeconds), SecondFactorVerdict::kWrong);
  // Nor an earlier step's once a later one was used.
  EXPECT_EQ(Check(c, uid, CodeAt(secret, now - auth::kTotpStepSeconds), now), SecondFactorVerdict::kWrong);
}

TEST(UserTotp, RecoveryCodesAreSingleUse) {
  AdminTransaction t;
  db::Connection& c = t.connection();
  const std::int64_t uid = MakeTotpUser(t.env(), "totp_recovery_user");
  std::vector<std::string> recovery;
  Enrol(c, uid, recovery);
  EXPECT_EQ(Check(c, uid, recovery[0], Now()), SecondFactorVerdict::kAccepted);
  EXPECT_EQ(Check(c, uid, recovery[0], Now()), SecondFactorVerdict::kWrong);
  // Typed in capitals, without dashes: the same code.
  std::string typed;
  for (char ch : recovery[1]) {
    if (ch != '-') typed.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  EXPECT_EQ(Check(c, uid, typed, Now()), SecondFactorVerdict::kAccepted);
  EXPECT_EQ(Check(c, uid, recovery[1], Now()), SecondFactorVerdict::kWrong);
  auto left = base::RecoveryCodesLeft(c, uid);
  ASSERT_TRUE(left);
  EXPECT_EQ(*left, base::kRecoveryCodeCount - 2);
  // Another user's code is not this user's.
  const std::int64_t other = MakeTotpUser(t.env(), "totp_recovery_other");
  std::vector<std::string> other_codes;
  Enrol(c, other, other_codes);
  EXPECT_EQ(Check(c, uid, other_codes[0], Now()), SecondFactorVerdict::kWrong);
  // Long or odd input is refused, never an error.
  for (const std::string& junk : {std::string(100000, 'a'), std::string("aaaa-aaaa-aaaa-aaa\xff"), std::string()}) {
    EXPECT_EQ(Check(c, uid, junk, Now()), SecondFactorVerdict::kWrong);
  }
}

TEST(UserTotp, WrongCodesHitTheLimitThenEvenTheRightOneWaits) {
  AdminTransaction t;
  db::Connection& c = t.connection();
  const std::int64_t uid = MakeTotpUser(t.env(), "totp_limit_user");
  std::vector<std::string> recovery;
  const std::string secret = Enrol(c, uid, recovery);
  const std::int64_t now = Now();
  const std::string right = CodeAt(secret, now + auth::kTotpStepSeconds);
  const std::string wrong = right == "000000" ? "000001" : "000000";
  for (int i = 0; i < base::kTotpMaxFailures; ++i) {
    EXPECT_EQ(Check(c, uid, wrong, now), SecondFactorVerdict::kWrong) << i;
  }
  EXPECT_EQ(Check(c, uid, right, now), SecondFactorVerdict::kCoolingDown);
  EXPECT_EQ(Check(c, uid, recovery[0], now), SecondFactorVerdict::kCoolingDown);
  // The window over (its start moved back, as time would), checks resume
  // and a right code clears the count.
  ASSERT_TRUE(c.Execute("UPDATE res_users_totp SET failure_window_start = now() - interval '16 minutes' "
                        "WHERE user_id = $1",
                        uid));
  EXPECT_EQ(Check(c, uid, right, now), SecondFactorVerdict::kAccepted);
  EXPECT_EQ(Scalar(c, "SELECT failures FROM res_users_totp ORDER BY id DESC LIMIT 1"), "0");
}

TEST(UserTotp, OnlyAnAdministratorTurnsItOffForSomeoneElse) {
  AdminTransaction t;
  db::Connection& c = t.connection();
  const std::int64_t uid = MakeTotpUser(t.env(), "totp_lost_device");
  const std::int64_t colleague = MakeTotpUser(t.env(), "totp_colleague");
  std::vector<std::string> recovery;
  Enrol(c, uid, recovery);
  // The user themself, and any other non-admin, through the API: refused.
  for (const std::int64_t caller : {uid, colleague}) {
    const Environment env(t.env().shared_registry(), c, caller);
    EXPECT_THROW(orm::CallModelMethod(env, "res.users", "action_totp_disable", Value::array({Value::array({uid})}),
                                      Value::object()),
                 orm::AccessError);
  }
  auto enabled = base::TotpEnabled(c, uid);
  EXPECT_TRUE(enabled && *enabled);
  EXPECT_EQ(orm::CallModelMethod(t.env(), "res.users", "action_totp_disable", Value::array({Value::array({uid})}),
                                 Value::object()),
            true);
  enabled = base::TotpEnabled(c, uid);
  EXPECT_TRUE(enabled && !*enabled);
}

TEST(UserTotp, UpgradeFromTheVersionBeforeMakesTheTable) {
  const Installed& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  // A database of base 18.0.1.3 (before the table).
  const std::string report = UpgradeBaseFrom(c, installed, "18.0.1.3", {"DROP TABLE res_users_totp"});
  EXPECT_NE(report.find("base 18.0.1.3 -> " + BaseModule().manifest.version), std::string::npos) << report;
  const Environment admin(installed.registry, c, kAdmin);
  const std::int64_t uid = MakeTotpUser(admin, "totp_upgrade_user");
  std::vector<std::string> recovery;
  Enrol(c, uid, recovery);
  EXPECT_EQ(recovery.size(), static_cast<std::size_t>(base::kRecoveryCodeCount));
}

}  // namespace
}  // namespace citadel::modules::testing
