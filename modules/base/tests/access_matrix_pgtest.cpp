// The access matrix of base, as Odoo's test_access_rights: for each profile
// (public, portal, internal user, partner manager, access rights (erp
// manager), settings (system)) x EVERY model base registers x
// read/write/create/unlink, the guard's answer equals the table below (Odoo
// 18's odoo/addons/base/security/ir.model.access.csv copied by hand, plus
// Citadel's own models), with Odoo's implied groups applied; a model the
// registry has and the table lacks fails the test. Then real calls as a user
// of each profile, and record rules with two companies through
// allowed_company_ids, as Odoo's multi-company rules. contacts' models have
// their own matrix (modules/contacts/tests/access_matrix_pgtest.cpp).
#include "modules/base/tests/access_matrix.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace citadel::modules {
namespace {

using orm::AccessGuard;
using orm::Environment;
using orm::Operation;
using orm::RecordSet;
using orm::Value;
using testing::AccessLine;
using testing::Connect;
using testing::InstalledBaseAndContacts;
using testing::kAdmin;
using testing::Ref;
using testing::Rollback;

// Odoo 18's lines for base's models: model, group, rwcu.
const std::vector<AccessLine>& BaseLines() {
  static const std::vector<AccessLine> lines = {
      {"ir.model", "group_erp_manager", "rwcu"},
      {"ir.model.access", "group_erp_manager", "rwcu"},
      {"ir.model.data", "group_erp_manager", "rwcu"},
      {"ir.model.fields", "group_erp_manager", "rwcu"},
      {"ir.model", "group_user", ""},
      {"ir.model.data", "group_user", ""},
      {"ir.model.fields", "group_user", ""},
      {"ir.module.module", "group_system", "rwcu"},
      {"ir.rule", "group_erp_manager", "rwcu"},
      {"ir.sequence", "group_user", "r"},
      {"ir.sequence", "group_system", "rwcu"},
      {"res.company", "group_erp_manager", "rwcu"},
      {"res.company", "group_public", "r"},
      {"res.company", "group_portal", "r"},
      {"res.company", "group_user", "r"},
      {"res.country", "group_public", "r"},
      {"res.country", "group_portal", "r"},
      {"res.country", "group_user", "r"},
      {"res.country.state", "group_public", "r"},
      {"res.country.state", "group_portal", "r"},
      {"res.country.state", "group_user", "r"},
      {"res.country", "group_partner_manager", "r"},
      {"res.country", "group_system", "rwcu"},
      {"res.country.state", "group_partner_manager", "rwcu"},
      {"res.currency", "group_public", "r"},
      {"res.currency", "group_portal", "r"},
      {"res.currency", "group_user", "r"},
      {"res.currency", "group_system", "rwcu"},
      {"res.groups", "group_erp_manager", "rwcu"},
      {"res.groups", "group_user", "r"},
      {"res.partner", "group_public", "r"},
      {"res.partner", "group_portal", "r"},
      {"res.partner", "group_partner_manager", "rwcu"},
      {"res.partner", "group_user", "r"},
      {"res.partner.title", "group_partner_manager", "rwcu"},
      {"res.partner.title", "group_user", "r"},
      {"res.users", "group_public", "r"},
      {"res.users", "group_portal", "r"},
      {"res.users", "group_user", "r"},
      {"res.users", "group_erp_manager", "rwcu"},
      {"ir.config_parameter", "group_system", "rwcu"},
      {"res.users.apikeys", "group_user", "r"},
      {"res.users.apikeys", "group_portal", "r"},
      {"res.users.apikeys.description", "group_user", "rc"},
      {"res.users.apikeys.description", "group_portal", "rc"},
      // Citadel's own models (not Odoo's): backups and support access are the
      // settings group's, read and act (methods) only; the audit is
      // read-only; nobody creates or deletes through the ORM.
      {"citadel.backup", "group_system", "rw"},
      {"citadel.support.grant", "group_system", "rw"},
      {"citadel.support.audit", "group_system", "r"},
  };
  return lines;
}

// base's models no group may reach at all (the ORM in sudo only): the
// TOTP secrets, which only user_totp.cpp's fixed SQL reads.
const std::vector<std::string>& NoAccessModels() {
  static const std::vector<std::string> models = {"res.users.totp"};
  return models;
}

TEST(AccessMatrix, EveryModelOfBaseHasAnExpectedRow) {
  const auto& installed = InstalledBaseAndContacts();
  const std::vector<std::string> models = testing::ModelsOf(*installed.registry, "base");
  std::string all;
  for (const auto& model : models) all += model + " ";
  EXPECT_GE(models.size(), 22u) << all;
  for (const auto& model : models) {
    const bool listed = std::any_of(BaseLines().begin(), BaseLines().end(),
                                    [&](const AccessLine& line) { return line.model == model; }) ||
                        std::count(NoAccessModels().begin(), NoAccessModels().end(), model) != 0;
    EXPECT_TRUE(listed) << model << " is a model of base without an expected row: add Odoo's (or Citadel's) line";
  }
  // And no row names a model base does not have.
  for (const auto& line : BaseLines()) {
    EXPECT_NE(std::find(models.begin(), models.end(), line.model), models.end()) << line.model;
  }
}

TEST(AccessMatrix, EveryGroupModelAndOperationAsOdoo) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const auto users = testing::ProfileUsers(admin, "matrix_");
  const std::vector<std::string> models = testing::ModelsOf(*installed.registry, "base");
  int checked = 0;
  for (const auto& [profile, uid] : users) {
    Environment env(installed.registry, c, uid);
    for (const auto& name : models) {
      const orm::Model& model = env.GetModel(name);
      for (auto [op, perm] : testing::Operations()) {
        EXPECT_EQ(AccessGuard::HasModelAccess(env, model, op), testing::ExpectedRight(BaseLines(), profile, name, perm))
            << profile << " " << name << " " << perm;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(6 * models.size() * 4));
}

std::int64_t PartnerOfUser(db::Connection& c, std::int64_t uid) {
  auto r = c.Execute("SELECT partner_id FROM res_users WHERE id = $1", uid);
  if (!r || r->empty()) throw std::runtime_error("no such user");
  return std::stoll(r->Text(0, "partner_id"));
}

// Real calls: each profile reads, creates, writes and deletes partners,
// users, companies and system parameters, as Odoo's table says it may.
TEST(AccessMatrix, RealOperationsAsEachProfile) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const auto users = testing::ProfileUsers(admin, "ops_");
  const std::int64_t eur = Ref(c, "base.EUR");
  const char* kSecret = "Matrix-s3cret-Q7";  // in every record below
  int made = 0;
  auto fresh = [&](const char* model, Value vals) {
    return [&, model, vals] { return RecordSet::Of(admin, model).Create(vals).at(0); };
  };
  const std::int64_t parameter =
      RecordSet::Of(admin, "ir.config_parameter").Create({{"key", "matrix.read"}, {"value", kSecret}}).at(0);
  std::vector<testing::OperationSample> samples = {
      {"res.partner",
       [&](std::int64_t uid) { return PartnerOfUser(c, uid); },
       [&](int n) { return Value{{"name", std::string(kSecret) + " new " + std::to_string(n)}}; },
       {{"comment", "changed"}},
       fresh("res.partner", {{"name", std::string(kSecret) + " partner"}, {"email", "q7@example.com"}}),
       {kSecret, "q7@example.com"}},
      {"res.users", [](std::int64_t uid) { return uid; },
       [&](int n) { return Value{{"name", kSecret}, {"login", "matrix_new_" + std::to_string(n)}}; },
       // Not the name: it is the partner's (a related field), which only a
       // partner manager may change.
       {{"signature", "<p>changed</p>"}},
       [&] {
         return RecordSet::Of(admin, "res.users")
             .Create({{"name", kSecret}, {"login", "matrix_fresh_" + std::to_string(++made)}})
             .at(0);
       },
       {kSecret}},
      {"res.company", [](std::int64_t) { return std::int64_t{1}; },
       [&](int n) { return Value{{"name", std::string(kSecret) + " co " + std::to_string(n)}, {"currency_id", eur}}; },
       {{"sequence", 11}},
       [&] {
         return RecordSet::Of(admin, "res.company")
             .Create({{"name", std::string(kSecret) + " fresh " + std::to_string(++made)}, {"currency_id", eur}})
             .at(0);
       },
       {kSecret}},
      {"ir.config_parameter", [&](std::int64_t) { return parameter; },
       [&](int n) { return Value{{"key", "matrix.new." + std::to_string(n)}, {"value", kSecret}}; },
       {{"value", "changed"}},
       [&] {
         return RecordSet::Of(admin, "ir.config_parameter")
             .Create({{"key", "matrix.fresh." + std::to_string(++made)}, {"value", kSecret}})
             .at(0);
       },
       {kSecret, "matrix.read", "matrix.fresh"}},
  };
  const int refused = testing::CheckRealOperations(c, installed.registry, users, BaseLines(), samples);
  // public and portal: read only on three of them; the others: see the table.
  EXPECT_GT(refused, 40);
}

TEST(AccessMatrix, TwoCompaniesThroughAllowedCompanyIds) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const std::int64_t a = 1;
  const std::int64_t b = RecordSet::Of(admin, "res.company")
                             .Create({{"name", "Company B"}, {"currency_id", Ref(c, "base.EUR")}})
                             .at(0);
  RecordSet partners = RecordSet::Of(admin, "res.partner");
  const std::int64_t in_a = partners.Create({{"name", "mc in A"}, {"company_id", a}}).at(0);
  const std::int64_t in_b = partners.Create({{"name", "mc in B"}, {"company_id", b}}).at(0);
  const std::int64_t shared = partners.Create({{"name", "mc shared"}}).at(0);
  const Value like = Value::array({Value::array({"name", "like", "mc "})});

  const std::int64_t only_a =
      testing::MakeUser(admin, "mc_only_a", {"group_user", "group_partner_manager"}, Value::array({a}), a);
  const std::int64_t both =
      testing::MakeUser(admin, "mc_both", {"group_user", "group_partner_manager"}, Value::array({a, b}), a);

  auto env_of = [&](std::int64_t uid, Value allowed) {
    return Environment(installed.registry, c, uid, {{"allowed_company_ids", std::move(allowed)}});
  };
  auto sorted = [](std::vector<std::int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };

  // A user of A with [A]: B's partner is neither found nor readable nor writable.
  Environment env_a = env_of(only_a, Value::array({a}));
  RecordSet as_a = RecordSet::Of(env_a, "res.partner");
  EXPECT_EQ(sorted(as_a.Search(like)), sorted({in_a, shared}));
  EXPECT_THROW(as_a.Browse({in_b}).Read({"name"}), orm::AccessError);
  EXPECT_THROW(as_a.Browse({in_b}).Write({{"name", "stolen"}}), orm::AccessError);
  EXPECT_NO_THROW(as_a.Browse({in_a}).Write({{"name", "mc in A (ok)"}}));

  // A member of both with [A, B] sees and writes both; with [A] only A's.
  Environment env_ab = env_of(both, Value::array({a, b}));
  RecordSet as_ab = RecordSet::Of(env_ab, "res.partner");
  EXPECT_EQ(sorted(as_ab.Search(like)), sorted({in_a, in_b, shared}));
  EXPECT_NO_THROW(as_ab.Browse({in_b}).Write({{"name", "mc in B (ok)"}}));
  Environment env_both_a = env_of(both, Value::array({a}));
  EXPECT_EQ(sorted(RecordSet::Of(env_both_a, "res.partner").Search(like)), sorted({in_a, shared}));
  // Without allowed_company_ids: all of the user's companies (Odoo's env.companies).
  Environment env_default(installed.registry, c, both);
  EXPECT_EQ(RecordSet::Of(env_default, "res.partner").Search(like).size(), 3u);

  // A user of A only asking for [A, B]: refused, as Odoo's env.companies.
  Environment env_forged = env_of(only_a, Value::array({a, b}));
  try {
    RecordSet::Of(env_forged, "res.partner").Search(like);
    FAIL() << "a company the user is not in was accepted";
  } catch (const orm::AccessError& e) {
    EXPECT_EQ(std::string(e.what()), "Access to unauthorized or invalid companies.");
  }
  EXPECT_THROW(RecordSet::Of(env_of(only_a, Value::array({"1"})), "res.partner").Search(like),
               orm::AccessError);

  // Companies themselves: an internal user reads only its allowed companies.
  EXPECT_EQ(RecordSet::Of(env_a, "res.company").Search(Value::array()),
            std::vector<std::int64_t>{a});
  EXPECT_EQ(sorted(RecordSet::Of(env_ab, "res.company").Search(Value::array())), sorted({a, b}));
}

// Under the company rule, create and unlink too: a user of A makes no
// partner in B and deletes none of B's; a member of both may while B is
// allowed, and may not once the context narrows to A. The create rule reads
// partner_share, a stored compute: it broke when the rule was checked
// before the new record's computes (a NULL partner_share passed the rule).
TEST(AccessMatrix, CreateAndUnlinkUnderCompanyRulesSeeStoredComputes) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const std::int64_t a = 1;
  const std::int64_t b =
      RecordSet::Of(admin, "res.company").Create({{"name", "Company B2"}, {"currency_id", Ref(c, "base.EUR")}}).at(0);
  const std::int64_t only_a =
      testing::MakeUser(admin, "cu_only_a", {"group_user", "group_partner_manager"}, Value::array({a}), a);
  const std::int64_t both =
      testing::MakeUser(admin, "cu_both", {"group_user", "group_partner_manager"}, Value::array({a, b}), a);
  auto env_of = [&](std::int64_t uid, Value allowed) {
    return Environment(installed.registry, c, uid, {{"allowed_company_ids", std::move(allowed)}});
  };
  const char* kSecret = "B's secret name";
  auto partner_in_b = [&] { return RecordSet::Of(admin, "res.partner").Create({{"name", kSecret}, {"company_id", b}}).at(0); };

  Environment env_a = env_of(only_a, Value::array({a}));
  const std::string create_refusal = testing::AccessRefusal(
      c, [&] { RecordSet::Of(env_a, "res.partner").Create({{"name", kSecret}, {"company_id", b}}); }, "create in B");
  testing::ExpectRefusalShape(create_refusal, "res.partner", Operation::kCreate, {kSecret}, "create in B");
  EXPECT_EQ(testing::AccessRefusal(
                c, [&] { RecordSet::Of(env_a, "res.partner").Create({{"name", "mine"}, {"company_id", a}}); }, "create in A"),
            "");
  const std::int64_t doomed = partner_in_b();
  const std::string unlink_refusal =
      testing::AccessRefusal(c, [&] { RecordSet::Of(env_a, "res.partner").Browse({doomed}).Unlink(); }, "unlink B's");
  testing::ExpectRefusalShape(unlink_refusal, "res.partner", Operation::kUnlink, {kSecret}, "unlink B's");
  EXPECT_EQ(RecordSet::Of(admin, "res.partner").Search(Value::array({Value::array({"id", "=", doomed})})).size(), 1u)
      << "still there";

  // A member of both, with B allowed: both work; narrowed to A: refused.
  Environment env_ab = env_of(both, Value::array({a, b}));
  EXPECT_EQ(testing::AccessRefusal(
                c, [&] { RecordSet::Of(env_ab, "res.partner").Create({{"name", "ok"}, {"company_id", b}}); }, "ab create"),
            "");
  EXPECT_EQ(testing::AccessRefusal(c, [&] { RecordSet::Of(env_ab, "res.partner").Browse({partner_in_b()}).Unlink(); },
                                   "ab unlink"),
            "");
  Environment env_both_a = env_of(both, Value::array({a}));
  EXPECT_NE(testing::AccessRefusal(
                c, [&] { RecordSet::Of(env_both_a, "res.partner").Create({{"name", "no"}, {"company_id", b}}); },
                "narrowed create"),
            "");
  EXPECT_NE(testing::AccessRefusal(
                c, [&] { RecordSet::Of(env_both_a, "res.partner").Browse({partner_in_b()}).Unlink(); }, "narrowed unlink"),
            "");
}

// res.users and res.company under their multi-company rules: users that
// share nothing (portal) are seen only within the allowed companies,
// internal users everywhere; companies only as allowed, except for the
// access-rights managers, whom Odoo's rule lets see every company.
TEST(AccessMatrix, UsersAndCompaniesUnderMultiCompanyRules) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const std::int64_t a = 1;
  const std::int64_t b =
      RecordSet::Of(admin, "res.company").Create({{"name", "Company B3"}, {"currency_id", Ref(c, "base.EUR")}}).at(0);
  const std::int64_t portal_b = testing::MakeUser(admin, "mcu_portal_b", {"group_portal"}, Value::array({b}), b);
  const std::int64_t internal_b = testing::MakeUser(admin, "mcu_internal_b", {"group_user"}, Value::array({b}), b);
  const std::int64_t user_a = testing::MakeUser(admin, "mcu_user_a", {"group_user"}, Value::array({a}), a);
  const std::int64_t both = testing::MakeUser(admin, "mcu_both", {"group_user"}, Value::array({a, b}), a);
  const std::int64_t manager_a = testing::MakeUser(admin, "mcu_manager_a", {"group_erp_manager"}, Value::array({a}), a);
  auto env_of = [&](std::int64_t uid, Value allowed) {
    return Environment(installed.registry, c, uid, {{"allowed_company_ids", std::move(allowed)}});
  };
  const Value mcu = Value::array({Value::array({"login", "=like", "mcu_%"})});
  auto logins = [&](const Environment& env) {
    std::vector<std::int64_t> ids = RecordSet::Of(env, "res.users").Search(mcu);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  auto sorted = [](std::vector<std::int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  // A's user: every internal user, not B's portal user.
  EXPECT_EQ(logins(env_of(user_a, Value::array({a}))), sorted({internal_b, user_a, both, manager_a}));
  EXPECT_THROW(RecordSet::Of(env_of(user_a, Value::array({a})), "res.users").Browse({portal_b}).Read({"login"}),
               orm::AccessError);
  // A member of both sees B's portal user with B allowed, not narrowed to A.
  EXPECT_EQ(logins(env_of(both, Value::array({a, b}))), sorted({portal_b, internal_b, user_a, both, manager_a}));
  EXPECT_EQ(logins(env_of(both, Value::array({a}))), sorted({internal_b, user_a, both, manager_a}));
  EXPECT_EQ(logins(env_of(both, Value::array({b}))), sorted({portal_b, internal_b, user_a, both, manager_a}));

  // Companies: a user sees the allowed ones; narrowed, only those.
  EXPECT_EQ(sorted(RecordSet::Of(env_of(both, Value::array({a, b})), "res.company").Search(Value::array())),
            sorted({a, b}));
  EXPECT_EQ(RecordSet::Of(env_of(both, Value::array({b})), "res.company").Search(Value::array()),
            std::vector<std::int64_t>{b});
  EXPECT_THROW(RecordSet::Of(env_of(user_a, Value::array({a})), "res.company").Browse({b}).Read({"name"}),
               orm::AccessError);
  // An access-rights manager of A only sees B too (Odoo's [(1, '=', 1)] rule).
  EXPECT_EQ(sorted(RecordSet::Of(env_of(manager_a, Value::array({a})), "res.company").Search(Value::array())),
            sorted({a, b}));
}

TEST(AccessMatrix, RuleVariablesUnknownFailClosed) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const orm::Model& partner = admin.GetModel("res.partner");
  const Value substituted = AccessGuard::SubstituteRuleVariables(
      admin, partner,
      Value::parse(R"([["user_id", "in", [false, {"var": "user.id"}]], ["company_id", "=", {"var": "company_id"}],
                       ["id", "=", {"var": "user.partner_id"}], ["id", "child_of", {"var": "user.commercial_partner_id"}]])"));
  const std::int64_t admin_partner = Ref(c, "base.partner_admin");
  EXPECT_EQ(substituted, Value::parse("[[\"user_id\", \"in\", [false, 2]], [\"company_id\", \"=\", 1], [\"id\", \"=\", " +
                                      std::to_string(admin_partner) + "], [\"id\", \"child_of\", " +
                                      std::to_string(admin_partner) + "]]"));
  for (const char* bad : {R"([["id", "=", {"var": "user.password"}]])",
                          R"([["id", "=", {"var": "user.id", "x": 1}]])",
                          R"([["id", "=", {"variable": "user.id"}]])"}) {
    EXPECT_THROW(AccessGuard::SubstituteRuleVariables(admin, partner, Value::parse(bad)),
                 orm::AccessError)
        << bad;
  }
  // A stored rule with an unknown variable refuses the operation.
  ASSERT_TRUE(c.Execute(
      "INSERT INTO ir_rule (name, model_id, domain_force, perm_read, perm_write, perm_create, "
      "perm_unlink, active) SELECT 'bad', id, '[[\"id\", \"=\", {\"var\": \"user.nope\"}]]', true, "
      "true, true, true, true FROM ir_model WHERE model = 'res.partner.title'"));
  EXPECT_THROW(RecordSet::Of(admin, "res.partner.title").Search(Value::array()), orm::AccessError);
}

}  // namespace
}  // namespace citadel::modules
