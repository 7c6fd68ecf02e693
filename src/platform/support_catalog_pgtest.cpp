// Support staff, grants, sessions and the audit chain against the harness's
// PostgreSQL: accounts are added once and disabled with their sessions and
// grants; grants are bounded, revocable and seen at the next check; a
// session refuses as soon as anything under it ends; the audit chain is
// append-only in the database and a tampered entry fails verification.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/password_hasher.hpp"
#include "core/sha256.hpp"
#include "platform/staff_accounts.hpp"
#include "platform/staff_secret_sealing.hpp"
#include "platform/support_audit_log.hpp"
#include "platform/support_grants.hpp"
#include "platform/support_sessions.hpp"
#include "platform/testing/catalog_pg_test.hpp"

namespace citadel::platform {
namespace {

class SupportCatalogPg : public testing::CatalogPgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CatalogPgTest::SetUp());
    name_ = LowerCaseTestName(40);
  }
  void TearDown() override {
    for (const std::string& t : made_) (void)tenants_->Drop(t);
  }
  std::string MakeTenant(const std::string& suffix) {
    const std::string tenant = "sup-" + name_.substr(0, 30) + "-" + suffix;
    auto made = tenants_->Create({tenant, "admin", "a long admin password"});
    EXPECT_TRUE(made) << made.error().message;
    made_.push_back(tenant);
    return tenant;
  }
  std::int64_t AddStaff(const std::string& login) {
    StaffAccounts staff(*tenants_);
    auto id = staff.Add(login, core::PasswordHasher(1000).Hash("staff password"),
                        "JBSWY3DPEHPK3PXPJBSWY3DP");
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }
  std::int64_t TenantId(const std::string& tenant) {
    auto id = SupportAuditLog(*tenants_).TenantId(tenant);
    EXPECT_TRUE(id && *id);
    return (id && *id) ? **id : 0;
  }
  db::QueryResult Catalog(db::SqlText sql, std::int64_t arg) {
    auto catalog = tenants_->AcquireCatalog();
    EXPECT_TRUE(catalog);
    auto r = (*catalog)->Execute(sql, arg);
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : db::QueryResult();
  }
  std::string name_;
  std::vector<std::string> made_;
};

TEST_F(SupportCatalogPg, StaffLoginsAreUniqueValidatedAndListedWithoutSecrets) {
  StaffAccounts staff(*tenants_);
  const std::string login = "s1-" + name_.substr(0, 20);
  AddStaff(login);
  auto again = staff.Add(login, core::PasswordHasher(1000).Hash("x"), "JBSWY3DPEHPK3PXPJBSWY3DP");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::kAlreadyExists);
  EXPECT_FALSE(
      staff.Add("Bad Login", core::PasswordHasher(1000).Hash("x"), "JBSWY3DPEHPK3PXPJBSWY3DP"));
  EXPECT_FALSE(staff.Add("'; drop table x; --", core::PasswordHasher(1000).Hash("x"),
                         "JBSWY3DPEHPK3PXPJBSWY3DP"));
  auto plain = staff.Add(login + "x", "not a hash", "JBSWY3DPEHPK3PXPJBSWY3DP");
  EXPECT_FALSE(plain) << "the catalog keeps only PBKDF2 hashes";
  auto listed = staff.List();
  ASSERT_TRUE(listed) << listed.error().message;
  bool found = false;
  for (const StaffAccount& a : *listed) found = found || (a.login == login && !a.disabled);
  EXPECT_TRUE(found);
}

TEST_F(SupportCatalogPg, TotpSecretsAreSealedInTheCatalogAndOldClearOnesGetSealed) {
  const std::string login = "seal-" + name_.substr(0, 20);
  const std::int64_t id = AddStaff(login);
  const std::string secret = "JBSWY3DPEHPK3PXPJBSWY3DP";
  auto stored = [&] {
    return Catalog("SELECT totp_secret FROM staff_accounts WHERE id = $1", id).Text(0, "totp_secret");
  };
  // What the catalog holds (a dump, a backup, the superuser) is no secret.
  const std::string sealed = stored();
  EXPECT_TRUE(sealed.starts_with(kSealedStaffSecretPrefix)) << sealed;
  EXPECT_EQ(sealed.find(secret), std::string::npos);
  StaffAccounts staff(*tenants_);
  auto found = staff.FindForSignIn(login);
  ASSERT_TRUE(found && *found) << (found ? "" : found.error().message);
  EXPECT_EQ((*found)->totp_secret_base32, secret);
  // Another account's sealed secret copied onto this row does not open.
  const std::int64_t other = AddStaff("seal2-" + name_.substr(0, 20));
  {
    auto catalog = tenants_->AcquireCatalog();
    ASSERT_TRUE(catalog);
    ASSERT_TRUE((*catalog)->Execute(
        "UPDATE staff_accounts SET totp_secret = (SELECT totp_secret FROM staff_accounts "
        "WHERE id = $2) WHERE id = $1",
        id, other));
  }
  EXPECT_FALSE(staff.FindForSignIn(login)) << "a secret moved between accounts";
  // A secret stored in clear (by code before sealing) still signs in, and
  // is sealed in place on the way.
  {
    auto catalog = tenants_->AcquireCatalog();
    ASSERT_TRUE(catalog);
    ASSERT_TRUE((*catalog)->Execute("UPDATE staff_accounts SET totp_secret = $2 WHERE id = $1",
                                    id, secret));
  }
  found = staff.FindForSignIn(login);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->totp_secret_base32, secret);
  const std::string resealed = stored();
  EXPECT_TRUE(resealed.starts_with(kSealedStaffSecretPrefix)) << resealed;
  found = staff.FindForSignIn(login);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->totp_secret_base32, secret);
}

TEST_F(SupportCatalogPg, ATotpStepWorksOnce) {
  StaffAccounts staff(*tenants_);
  const std::int64_t id = AddStaff("totp-" + name_.substr(0, 20));
  auto first = staff.ClaimTotpStep(id, 1000);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*staff.ClaimTotpStep(id, 1000)) << "the same code twice";
  EXPECT_FALSE(*staff.ClaimTotpStep(id, 999)) << "an older code after a newer one";
  EXPECT_TRUE(*staff.ClaimTotpStep(id, 1001));
}

TEST_F(SupportCatalogPg, GrantsAreBoundedInTimeAndScope) {
  const std::string tenant = MakeTenant("a");
  SupportGrants grants(*tenants_);
  NewSupportGrant g{false, {"res.partner"}, 24, "", "admin#2", ""};
  g.hours = 169;
  EXPECT_FALSE(grants.Open(tenant, g)) << "more than 7 days";
  g.hours = 0;
  EXPECT_FALSE(grants.Open(tenant, g));
  g.hours = 24;
  g.models = {};
  EXPECT_FALSE(grants.Open(tenant, g)) << "no model";
  g.models = {"res.partner; DROP TABLE tenants"};
  EXPECT_FALSE(grants.Open(tenant, g));
  g.models = std::vector<std::string>(201, "res.partner");
  EXPECT_FALSE(grants.Open(tenant, g)) << "too many models";
  g.models = {"sale.order", "res.partner", "res.partner"};
  g.ticket = std::string(65, 't');
  EXPECT_FALSE(grants.Open(tenant, g)) << "ticket too long";
  g.ticket = "";
  g.staff_login = "nobody-at-all";
  EXPECT_FALSE(grants.Open(tenant, g)) << "a staff member who does not exist";
  g.staff_login = "";
  EXPECT_FALSE(grants.Open("no-such-tenant", g));
  auto opened = grants.Open(tenant, g);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->models, (std::vector<std::string>{"res.partner", "sale.order"}));
  EXPECT_TRUE(opened->active);
  EXPECT_FALSE(opened->read_write);
  // The database holds the 7-day bound too, whatever the code says.
  auto catalog = tenants_->AcquireCatalog();
  ASSERT_TRUE(catalog);
  EXPECT_FALSE((*catalog)->Execute(
      "UPDATE support_grants SET expires_at = created_at + interval '8 days' WHERE id = $1",
      opened->id));
}

TEST_F(SupportCatalogPg, ARevokedGrantEndsItsSessionsAtTheNextCheck) {
  const std::string tenant = MakeTenant("a");
  const std::string other = MakeTenant("b");
  const std::int64_t staff_id = AddStaff("rev-" + name_.substr(0, 20));
  SupportGrants grants(*tenants_);
  auto grant = grants.Open(tenant, {true, {"res.partner"}, 2, "", "admin#2", ""});
  ASSERT_TRUE(grant) << grant.error().message;
  auto active = grants.ActiveFor(tenant, staff_id);
  ASSERT_TRUE(active && *active);
  EXPECT_EQ((*active)->id, grant->id);
  auto none = grants.ActiveFor(other, staff_id);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none) << "a grant opens one tenant only";

  SupportSessions sessions(*tenants_);
  auto token = sessions.Create(staff_id, TenantId(tenant), grant->id, 7);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_TRUE(LooksLikeSupportToken(*token));
  EXPECT_FALSE(sessions.Create(staff_id, TenantId(other), grant->id, 7))
      << "not another tenant's grant";
  auto check = sessions.Check(*token);
  ASSERT_TRUE(check && *check);
  EXPECT_EQ((*check)->refusal, "");
  EXPECT_EQ((*check)->uid, 7);
  EXPECT_TRUE((*check)->read_write);
  // Only the token's SHA-256 is stored.
  auto stored = Catalog("SELECT count(*) AS n FROM staff_sessions WHERE staff_id = $1", staff_id);
  EXPECT_EQ(stored.Text(0, "n"), "1");
  auto raw = tenants_->AcquireCatalog();
  auto leaked =
      (*raw)->Execute("SELECT count(*) AS n FROM staff_sessions WHERE token_hash = $1", *token);
  EXPECT_EQ(leaked->Text(0, "n"), "0");

  EXPECT_FALSE(*grants.Revoke(other, grant->id, "admin#2")) << "another tenant cannot revoke it";
  EXPECT_TRUE(*grants.Revoke(tenant, grant->id, "admin#2"));
  EXPECT_FALSE(*grants.Revoke(tenant, grant->id, "admin#2")) << "once";
  check = sessions.Check(*token);
  ASSERT_TRUE(check && *check);
  EXPECT_NE((*check)->refusal, "");
  none = grants.ActiveFor(tenant, staff_id);
  EXPECT_FALSE(*none);
}

TEST_F(SupportCatalogPg, SessionsExpiredLongAgoAreSweptAtTheNextSignIn) {
  const std::string tenant = MakeTenant("a");
  const std::int64_t staff_id = AddStaff("sweep-" + name_.substr(0, 20));
  auto grant =
      SupportGrants(*tenants_).Open(tenant, {false, {"res.partner"}, 24, "", "admin#2", ""});
  ASSERT_TRUE(grant);
  SupportSessions sessions(*tenants_);
  auto old_token = sessions.Create(staff_id, TenantId(tenant), grant->id, 7);
  ASSERT_TRUE(old_token);
  Catalog("UPDATE staff_sessions SET expires_at = now() - interval '31 days' WHERE staff_id = $1",
          staff_id);
  ASSERT_TRUE(sessions.Create(staff_id, TenantId(tenant), grant->id, 7));
  auto gone = sessions.Check(*old_token);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  EXPECT_EQ(Catalog("SELECT count(*) AS n FROM staff_sessions WHERE staff_id = $1", staff_id)
                .Text(0, "n"),
            "1");
}

TEST_F(SupportCatalogPg, ASessionLeftIdleIsRefusedAndCallsKeepItAlive) {
  const std::string tenant = MakeTenant("a");
  const std::int64_t staff_id = AddStaff("idle-" + name_.substr(0, 20));
  auto grant =
      SupportGrants(*tenants_).Open(tenant, {false, {"res.partner"}, 24, "", "admin#2", ""});
  ASSERT_TRUE(grant);
  SupportSessions sessions(*tenants_);
  auto token = sessions.Create(staff_id, TenantId(tenant), grant->id, 7);
  ASSERT_TRUE(token);
  auto idle_for = [&](int minutes) {
    auto catalog = tenants_->AcquireCatalog();
    ASSERT_TRUE(catalog);
    ASSERT_TRUE((*catalog)->Execute(
        "UPDATE staff_sessions SET last_seen_at = now() - make_interval(mins => $2::int) "
        "WHERE staff_id = $1",
        staff_id, minutes));
  };
  auto seen_seconds_ago = [&] {
    return std::stod(Catalog("SELECT extract(epoch FROM now() - last_seen_at) AS s "
                             "FROM staff_sessions WHERE staff_id = $1",
                             staff_id)
                         .Text(0, "s"));
  };
  // Idle for less than the timeout: a call goes through and counts as activity.
  idle_for(kSupportSessionIdleMinutes - 1);
  auto check = sessions.Check(*token);
  ASSERT_TRUE(check && *check);
  EXPECT_EQ((*check)->refusal, "");
  EXPECT_LT(seen_seconds_ago(), 10.0) << "a call marks the session seen";
  // Idle past the timeout: refused, and a call does not revive it.
  idle_for(kSupportSessionIdleMinutes + 1);
  check = sessions.Check(*token);
  ASSERT_TRUE(check && *check);
  EXPECT_EQ((*check)->refusal, "session idle");
  check = sessions.Check(*token);
  ASSERT_TRUE(check && *check);
  EXPECT_EQ((*check)->refusal, "session idle");
  EXPECT_GT(seen_seconds_ago(), kSupportSessionIdleMinutes * 60.0);
}

TEST_F(SupportCatalogPg, AnExpiredGrantRefusesAndAGrantForOneStaffMemberIsOnlyTheirs) {
  const std::string tenant = MakeTenant("a");
  const std::string alice = "al-" + name_.substr(0, 20);
  const std::int64_t alice_id = AddStaff(alice);
  const std::int64_t bob_id = AddStaff("bo-" + name_.substr(0, 20));
  SupportGrants grants(*tenants_);
  auto grant = grants.Open(tenant, {false, {"res.partner"}, 1, alice, "admin#2", ""});
  ASSERT_TRUE(grant) << grant.error().message;
  EXPECT_TRUE(*grants.ActiveFor(tenant, alice_id));
  EXPECT_FALSE(*grants.ActiveFor(tenant, bob_id));
  SupportSessions sessions(*tenants_);
  auto token = sessions.Create(alice_id, TenantId(tenant), grant->id, 7);
  ASSERT_TRUE(token);
  // As if the hour had passed (moving both times keeps the table's bound).
  Catalog(
      "UPDATE support_grants SET created_at = created_at - interval '2 hours', expires_at = "
      "expires_at - "
      "interval '2 hours' WHERE id = $1",
      grant->id);
  EXPECT_FALSE(*grants.ActiveFor(tenant, alice_id));
  auto check = sessions.Check(*token);
  ASSERT_TRUE(check && *check);
  EXPECT_NE((*check)->refusal, "");
}

TEST_F(SupportCatalogPg, DisablingStaffEndsTheirSessionsAndGrantsAtOnce) {
  const std::string tenant = MakeTenant("a");
  const std::string login = "dis-" + name_.substr(0, 20);
  const std::int64_t staff_id = AddStaff(login);
  SupportGrants grants(*tenants_);
  auto grant = grants.Open(tenant, {false, {"res.partner"}, 24, login, "admin#2", ""});
  ASSERT_TRUE(grant);
  SupportSessions sessions(*tenants_);
  auto token = sessions.Create(staff_id, TenantId(tenant), grant->id, 7);
  ASSERT_TRUE(token);
  StaffAccounts staff(*tenants_);
  auto disabled = staff.Disable(login);
  ASSERT_TRUE(disabled && *disabled);
  EXPECT_FALSE(*staff.Disable("no-such-staff"));
  auto check = sessions.Check(*token);
  ASSERT_TRUE(check && *check);
  EXPECT_EQ((*check)->refusal, "session ended");
  auto listed = grants.List(tenant, true);
  ASSERT_TRUE(listed && listed->size() == 1);
  EXPECT_FALSE((*listed)[0].active);
  EXPECT_NE((*listed)[0].revoked_at, "");
  auto found = staff.FindForSignIn(login);
  ASSERT_TRUE(found && *found);
  EXPECT_TRUE((*found)->disabled);
}

TEST_F(SupportCatalogPg, TheAuditChainVerifiesAndATamperedEntryBreaksIt) {
  const std::string tenant = MakeTenant("a");
  const std::int64_t tenant_id = TenantId(tenant);
  SupportAuditLog log(*tenants_);
  for (int i = 0; i < 5; ++i) {
    auto entry = log.Append(tenant_id, "alice", "call",
                            nlohmann::json{{"model", "res.partner"}, {"i", i}}.dump());
    ASSERT_TRUE(entry) << entry.error().message;
    EXPECT_EQ(entry->seq, i + 1);
    EXPECT_EQ(entry->hash, core::Sha256Hex(SupportAuditEncoding(*entry)));
  }
  auto verdict = log.Verify(tenant_id);
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_TRUE(verdict->ok);
  EXPECT_EQ(verdict->entries, 5);

  // Append-only in the database: the catalog's own role cannot change or
  // remove an entry.
  auto catalog = tenants_->AcquireCatalog();
  ASSERT_TRUE(catalog);
  EXPECT_FALSE((*catalog)->Execute(
      "UPDATE support_audit SET staff = 'mallory' WHERE tenant_id = $1", tenant_id));
  EXPECT_FALSE((*catalog)->Execute("DELETE FROM support_audit WHERE tenant_id = $1", tenant_id));
  EXPECT_FALSE((*catalog)->Execute("TRUNCATE support_audit"));

  // The database superuser can get round the trigger; the chain still tells.
  ASSERT_TRUE((*catalog)->Execute("BEGIN"));
  ASSERT_TRUE(
      (*catalog)->Execute("ALTER TABLE support_audit DISABLE TRIGGER support_audit_no_change"));
  ASSERT_TRUE(
      (*catalog)->Execute("UPDATE support_audit SET details = "
                          "'{\"model\":\"res.partner\",\"i\":99}' WHERE tenant_id = $1 AND seq = 3",
                          tenant_id));
  ASSERT_TRUE(
      (*catalog)->Execute("ALTER TABLE support_audit ENABLE TRIGGER support_audit_no_change"));
  ASSERT_TRUE((*catalog)->Execute("COMMIT"));
  verdict = log.Verify(tenant_id);
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->ok);
  EXPECT_EQ(verdict->first_broken_seq, 3);
  EXPECT_EQ(verdict->entries, 2);
}

TEST_F(SupportCatalogPg, AnEntryRemovedFromTheMiddleBreaksTheChainAndPagesAreBounded) {
  const std::string tenant = MakeTenant("a");
  const std::int64_t tenant_id = TenantId(tenant);
  const std::int64_t other_id = TenantId(MakeTenant("b"));
  SupportAuditLog log(*tenants_);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(log.Append(tenant_id, "alice", "call", "{}"));
  ASSERT_TRUE(log.Append(other_id, "bob", "call", "not json \xff"));
  auto page = log.Page(tenant_id, 1, 2);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].seq, 2);
  auto others = log.Page(other_id, 0, 100);
  ASSERT_TRUE(others && others->size() == 1);
  EXPECT_EQ((*others)[0].seq, 1) << "one chain per tenant";
  auto big =
      log.Append(other_id, "bob", "call", nlohmann::json{{"x", std::string(10000, 'a')}}.dump());
  ASSERT_TRUE(big);
  EXPECT_LE(big->details.size(), kMaxAuditDetailsBytes);
  EXPECT_TRUE(log.Verify(other_id)->ok);

  auto catalog = tenants_->AcquireCatalog();
  ASSERT_TRUE((*catalog)->Execute("BEGIN"));
  ASSERT_TRUE(
      (*catalog)->Execute("ALTER TABLE support_audit DISABLE TRIGGER support_audit_no_change"));
  ASSERT_TRUE(
      (*catalog)->Execute("DELETE FROM support_audit WHERE tenant_id = $1 AND seq = 2", tenant_id));
  ASSERT_TRUE(
      (*catalog)->Execute("ALTER TABLE support_audit ENABLE TRIGGER support_audit_no_change"));
  ASSERT_TRUE((*catalog)->Execute("COMMIT"));
  auto verdict = log.Verify(tenant_id);
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->ok);
  EXPECT_EQ(verdict->first_broken_seq, 2);
  EXPECT_TRUE(log.Verify(other_id)->ok) << "another tenant's chain is untouched";
}

}  // namespace
}  // namespace citadel::platform
