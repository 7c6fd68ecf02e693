// The access matrix of base + contacts, as Odoo's test_access_rights: for
// each group (public, portal, internal user, partner manager, access rights
// (erp manager), settings (system)) × each model × read/write/create/unlink,
// the guard's answer equals the table below, which is Odoo 18's
// odoo/addons/base/security/ir.model.access.csv copied by hand (NOT read from
// our access.csv: a change to the CSV must break this test), with Odoo's
// implied groups applied. Then record rules with two companies, through
// allowed_company_ids, as Odoo's multi-company rules.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "modules/base/tests/installed_base.hpp"
#include "orm/access_guard.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules {
namespace {

using orm::AccessGuard;
using orm::Environment;
using orm::Operation;
using orm::RecordSet;
using orm::Value;
using testing::Connect;
using testing::InstalledBaseAndContacts;
using testing::Ref;
using testing::Rollback;
using testing::kAdmin;

// Odoo 18's ir.model.access.csv, the lines of our models: model, group, rwcu.
struct OdooLine {
  const char* model;
  const char* group;
  const char* perms;
};
constexpr OdooLine kOdooAccess[] = {
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
    {"res.partner.bank", "group_user", "r"},
    {"res.partner.bank", "group_partner_manager", "rwcu"},
    {"res.partner.category", "group_user", "r"},
    {"res.partner.category", "group_partner_manager", "rwcu"},
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
};

// Odoo's implied groups (base_groups.xml), transitively.
const std::map<std::string, std::set<std::string>>& Implied() {
  static const std::map<std::string, std::set<std::string>> implied = {
      {"group_public", {"group_public"}},
      {"group_portal", {"group_portal"}},
      {"group_user", {"group_user", "group_no_one"}},
      {"group_partner_manager", {"group_user", "group_no_one", "group_partner_manager"}},
      {"group_erp_manager", {"group_erp_manager", "group_user", "group_no_one"}},
      {"group_system",
       {"group_system", "group_erp_manager", "group_user", "group_no_one",
        "group_sanitize_override"}},
  };
  return implied;
}

constexpr const char* kModels[] = {
    "ir.model",          "ir.model.fields",  "ir.model.data",       "ir.module.module",
    "ir.model.access",   "ir.rule",          "ir.config_parameter", "ir.sequence",
    "res.company",       "res.users",        "res.groups",          "res.partner",
    "res.partner.title", "res.country",      "res.country.state",   "res.currency",
    "res.partner.category", "res.partner.bank", "res.users.apikeys", "res.users.apikeys.description"};

bool Expected(const std::string& profile, const std::string& model, char perm) {
  const auto& groups = Implied().at(profile);
  for (const auto& line : kOdooAccess) {
    if (line.model == model && groups.count(line.group) &&
        std::string(line.perms).find(perm) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::int64_t MakeUser(Environment& admin, const std::string& login,
                      const std::vector<std::string>& groups, const Value& companies,
                      std::int64_t company) {
  db::Connection& c = admin.connection();
  Value group_ids = Value::array();
  for (const auto& group : groups) group_ids.push_back(Ref(c, "base." + group));
  Value vals = {{"name", login}, {"login", login}, {"company_id", company}};
  vals["groups_id"] = Value::array({Value::array({6, 0, group_ids})});
  vals["company_ids"] = Value::array({Value::array({6, 0, companies})});
  return RecordSet::Of(admin, "res.users").Create(vals).at(0);
}

TEST(AccessMatrix, EveryGroupModelAndOperationAsOdoo) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const Value main = Value::array({1});
  std::map<std::string, std::int64_t> users;
  for (const auto& [profile, groups] : Implied()) {
    std::vector<std::string> direct = {profile};
    if (profile == "group_partner_manager") direct.push_back("group_user");
    users[profile] = MakeUser(admin, "matrix_" + profile, direct, main, 1);
  }
  int checked = 0;
  for (const auto& [profile, uid] : users) {
    Environment env(installed.registry, c, uid);
    for (const char* name : kModels) {
      const orm::Model& model = env.GetModel(name);
      for (auto [op, perm] : {std::pair{Operation::kRead, 'r'}, std::pair{Operation::kWrite, 'w'},
                              std::pair{Operation::kCreate, 'c'}, std::pair{Operation::kUnlink, 'u'}}) {
        EXPECT_EQ(AccessGuard::HasModelAccess(env, model, op), Expected(profile, name, perm))
            << profile << " " << name << " " << perm;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 6 * 20 * 4);

  // The answers hold through real operations too.
  Environment portal(installed.registry, c, users["group_portal"]);
  EXPECT_THROW(RecordSet::Of(portal, "res.partner").Create({{"name", "x"}}), orm::AccessError);
  Environment system(installed.registry, c, users["group_system"]);
  EXPECT_NO_THROW(RecordSet::Of(system, "ir.config_parameter").Search(Value::array()));
  Environment user(installed.registry, c, users["group_user"]);
  EXPECT_THROW(RecordSet::Of(user, "ir.config_parameter").Search(Value::array()), orm::AccessError);
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
      MakeUser(admin, "mc_only_a", {"group_user", "group_partner_manager"}, Value::array({a}), a);
  const std::int64_t both =
      MakeUser(admin, "mc_both", {"group_user", "group_partner_manager"}, Value::array({a, b}), a);

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

  // Bank accounts follow their holder's company (contacts' rule).
  RecordSet banks = RecordSet::Of(admin, "res.partner.bank");
  const std::int64_t bank_b = banks.Create({{"acc_number", "BE71 0961 2345 6769"}, {"partner_id", in_b}}).at(0);
  EXPECT_EQ(banks.Browse({bank_b}).Read({"sanitized_acc_number", "company_id"})[0]["sanitized_acc_number"],
            "BE71096123456769");
  EXPECT_TRUE(RecordSet::Of(env_a, "res.partner.bank").Search(Value::array()).empty());
  EXPECT_EQ(RecordSet::Of(env_ab, "res.partner.bank").Search(Value::array()),
            std::vector<std::int64_t>{bank_b});
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
