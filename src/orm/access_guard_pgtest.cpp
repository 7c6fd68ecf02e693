// AccessGuard against real ir.model.access / ir.rule tables: model rights per
// group, su, rule combination (global ANDed, group rules ORed), write-only
// and group-restricted fields, fail-closed rules. Each case runs twice: with
// the guard's own queries, and from the SecurityCache as client calls do
// (the seeding between checks then also proves the cache is emptied by it).
#include "orm/access_guard.hpp"
#include "orm/record_set.hpp"

#include <gtest/gtest.h>

#include "orm/errors.hpp"
#include "orm/record_set_test_models.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;

// The parameter: whether access checks come from the SecurityCache.
class AccessGuardPg : public ::testing::TestWithParam<bool> {
 protected:
  RecordFixture Make(const std::string& database) {
    RecordFixture fx = RecordFixture::Make(database + (GetParam() ? "_cached" : ""));
    if (GetParam()) fx.UseSecurityCache();
    return fx;
  }
};

std::string AccessErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const AccessError& error) {
    return error.what();
  }
  return "";
}

TEST_P(AccessGuardPg, ModelRightsFollowGroupsAndSuBypassesThem) {
  RecordFixture fx = Make("guard_acl");
  const std::int64_t readers = fx.AddGroup("Readers");
  fx.AddAccess("res.partner", readers, "r");
  const std::int64_t reader = fx.AddUser("reader", {readers});
  const std::int64_t nobody = fx.AddUser("nobody", {});
  const Model& partner = *fx.registry()->FindModel("res.partner");

  EXPECT_NO_THROW(AccessGuard::CheckModel(fx.Env(reader), partner, Operation::kRead));
  const std::string write = AccessErrorOf(
      [&] { AccessGuard::CheckModel(fx.Env(reader), partner, Operation::kWrite); });
  EXPECT_EQ(write,
            "You are not allowed to modify 'Contact' (res.partner) records.\n\nNo group currently "
            "allows this operation.\n\nContact your administrator to request access if necessary.");
  const std::string read = AccessErrorOf(
      [&] { AccessGuard::CheckModel(fx.Env(nobody), partner, Operation::kRead); });
  EXPECT_EQ(read.substr(0, read.find('\n')),
            "You are not allowed to access 'Contact' (res.partner) records.");
  EXPECT_NE(read.find("\t- Readers"), std::string::npos) << read;
  EXPECT_NO_THROW(AccessGuard::CheckModel(fx.Env(nobody).Sudo(), partner, Operation::kUnlink));
  EXPECT_FALSE(AccessGuard::HasModelAccess(fx.Env(nobody), partner, Operation::kCreate));

  fx.AddAccess("res.partner", 0, "c");  // a line without group: everyone
  EXPECT_TRUE(AccessGuard::HasModelAccess(fx.Env(nobody), partner, Operation::kCreate));
}

TEST_P(AccessGuardPg, GlobalRulesAreAndedGroupRulesOred) {
  RecordFixture fx = Make("guard_rules");
  const std::int64_t a = fx.AddGroup("A");
  const std::int64_t b = fx.AddGroup("B");
  const std::int64_t c = fx.AddGroup("C");
  const std::int64_t user = fx.AddUser("u", {a, b});
  fx.AddRule("res.partner", R"([["active", "=", true]])", {}, "r");
  fx.AddRule("res.partner", R"([["color", ">", 1], ["color", "<", 9]])", {}, "r");
  fx.AddRule("res.partner", R"([["name", "=", "x"]])", {a}, "r");
  fx.AddRule("res.partner", R"([["name", "=", "y"]])", {b}, "r");
  fx.AddRule("res.partner", R"([["name", "=", "z"]])", {c}, "r");  // not the user's group
  fx.AddRule("res.partner", R"([["name", "=", "w"]])", {a}, "w");  // another operation
  const Model& partner = *fx.registry()->FindModel("res.partner");

  auto domain = AccessGuard::RuleDomain(fx.Env(user), partner, Operation::kRead);
  ASSERT_TRUE(domain);
  EXPECT_EQ(domain->root().kind, DomainNode::Kind::kAnd);
  ASSERT_EQ(domain->root().children.size(), 4u) << "active, color >, color <, (x | y)";
  EXPECT_EQ(domain->root().children[3].kind, DomainNode::Kind::kOr);
  EXPECT_EQ(domain->root().children[3].children.size(), 2u);
  EXPECT_FALSE(AccessGuard::RuleDomain(fx.Env(user).Sudo(), partner, Operation::kRead));
  EXPECT_FALSE(AccessGuard::RuleDomain(fx.Env(user), partner, Operation::kUnlink));
}

TEST_P(AccessGuardPg, CheckRecordsRefusesRowsOutsideTheRulesWithoutNamingThem) {
  RecordFixture fx = Make("guard_check_records");
  const std::int64_t c1 = fx.AddCompany("One");
  const std::int64_t c2 = fx.AddCompany("Two");
  const std::int64_t group = fx.AddGroup("Company users");
  const std::int64_t user = fx.AddUser("u", {group});
  fx.AddRule("res.partner", R"([["company_id", "=", )" + std::to_string(c1) + "]]", {group}, "rwu");
  ASSERT_TRUE(fx.connection().Execute(
      "INSERT INTO res_partner (id, name, company_id) VALUES (1, 'Confidential Ltd', $1), (2, 'mine', "
      "$2), (3, 'no company', NULL)",
      c2, c1));
  const Model& partner = *fx.registry()->FindModel("res.partner");
  const std::vector<std::int64_t> mine = {2}, theirs = {1, 2}, null_company = {3};
  EXPECT_NO_THROW(AccessGuard::CheckRecords(fx.Env(user), partner, Operation::kWrite, mine));
  const std::string error = AccessErrorOf(
      [&] { AccessGuard::CheckRecords(fx.Env(user), partner, Operation::kWrite, theirs); });
  EXPECT_NE(error.find("'write' access to:\n- Contact (res.partner)"), std::string::npos) << error;
  EXPECT_EQ(error.find("Confidential"), std::string::npos);
  EXPECT_THROW(AccessGuard::CheckRecords(fx.Env(user), partner, Operation::kUnlink, null_company),
               AccessError)
      << "a rule that is NULL for a row does not grant it";
  EXPECT_NO_THROW(
      AccessGuard::CheckRecords(fx.Env(user).Sudo(), partner, Operation::kUnlink, theirs));
}

// res.partner's company rule walks the company tree with parent_of; the
// cached path resolves it from the SecurityCache's tree (company_tree.hpp),
// the uncached one in SQL. Same records either way, and a company moved under
// another counts from the next call.
TEST_P(AccessGuardPg, CompanyWalksOfRulesFollowTheCompanyTree) {
  RecordFixture fx = Make("guard_company_walks");
  const std::int64_t root = fx.AddCompany("Root");
  const std::int64_t mid = fx.AddCompany("Mid");
  const std::int64_t leaf = fx.AddCompany("Leaf");
  const std::int64_t other = fx.AddCompany("Other");
  ASSERT_TRUE(fx.connection().Execute("UPDATE res_company SET parent_id = $1 WHERE id = $2", root, mid));
  ASSERT_TRUE(fx.connection().Execute("UPDATE res_company SET parent_id = $1 WHERE id = $2", mid, leaf));
  const std::int64_t user = fx.AddUser("u", {});
  fx.AddAccess("res.partner", 0, "r");
  ASSERT_TRUE(fx.connection().Execute("INSERT INTO res_company_users_rel (user_id, cid) VALUES ($1, $2)", user, leaf));
  fx.AddRule("res.partner", R"(["|", ["company_id", "parent_of", {"var": "company_ids"}], ["company_id", "=", false]])",
             {}, "r");
  ASSERT_TRUE(fx.connection().Execute(
      "INSERT INTO res_partner (id, name, company_id, active) VALUES (1, 'root', $1, true), (2, 'mid', $2, true), "
      "(3, 'leaf', $3, true), (4, 'other', $4, true), (5, 'none', NULL, true)",
      root, mid, leaf, other));
  const Model& partner = *fx.registry()->FindModel("res.partner");
  auto visible = [&] { return RecordSet::Of(fx.Env(user), "res.partner").Search(Value::array(), 0, std::nullopt, "id"); };
  EXPECT_EQ(visible(), (std::vector<std::int64_t>{1, 2, 3, 5})) << "the leaf's parents, itself, and no company";

  std::string sql;
  fx.connection().SetStatementObserver([&](const std::string& text, std::span<const db::Param>) { sql += text; });
  EXPECT_NO_THROW(AccessGuard::CheckRecords(fx.Env(user), partner, Operation::kRead, std::vector<std::int64_t>{1, 3}));
  EXPECT_THROW(AccessGuard::CheckRecords(fx.Env(user), partner, Operation::kRead, std::vector<std::int64_t>{4}),
               AccessError);
  fx.connection().SetStatementObserver(nullptr);
  EXPECT_EQ(sql.find("RECURSIVE") == std::string::npos, GetParam())
      << "the cached tree replaces the SQL walk, and only when cached: " << sql;

  // Other moves under the leaf: its partners are not the leaf's parents'.
  ASSERT_TRUE(fx.connection().Execute("UPDATE res_company SET parent_id = $1 WHERE id = $2", leaf, other));
  EXPECT_EQ(visible(), (std::vector<std::int64_t>{1, 2, 3, 5}));
  // Mid moves out from under the root: the root is no parent of the leaf any more.
  ASSERT_TRUE(fx.connection().Execute("UPDATE res_company SET parent_id = NULL WHERE id = $1", mid));
  EXPECT_EQ(visible(), (std::vector<std::int64_t>{2, 3, 5})) << "a moved company counts from the next call";
  // The leaf's company becomes its own root: only itself.
  ASSERT_TRUE(fx.connection().Execute("UPDATE res_company SET parent_id = NULL WHERE id = $1", leaf));
  EXPECT_EQ(visible(), (std::vector<std::int64_t>{3, 5}));
  // A new parent company inserted above it.
  const std::int64_t top = fx.AddCompany("Top");
  ASSERT_TRUE(fx.connection().Execute("UPDATE res_company SET parent_id = $1 WHERE id = $2", top, leaf));
  ASSERT_TRUE(fx.connection().Execute("INSERT INTO res_partner (id, name, company_id, active) VALUES (6, 'top', $1, true)", top));
  EXPECT_EQ(visible(), (std::vector<std::int64_t>{3, 5, 6}));
}

TEST_P(AccessGuardPg, BrokenRuleFailsClosed) {
  RecordFixture fx = Make("guard_broken_rule");
  const std::int64_t user = fx.AddUser("u", {});
  fx.AddRule("res.partner", "[('name', '=', 'python')]", {}, "r");
  const Model& partner = *fx.registry()->FindModel("res.partner");
  EXPECT_THROW(AccessGuard::RuleDomain(fx.Env(user), partner, Operation::kRead), AccessError);
}

TEST_P(AccessGuardPg, WriteOnlyAndGroupFields) {
  RecordFixture fx = Make("guard_fields");
  const std::int64_t system = fx.AddGroup("Settings", "base.group_system");
  const std::int64_t admin = fx.AddUser("boss", {system});
  const std::int64_t user = fx.AddUser("u", {});
  const Model& users = *fx.registry()->FindModel("res.users");
  const Model& partner = *fx.registry()->FindModel("res.partner");
  const Field* password[] = {users.FindField("password")};
  const Field* note[] = {partner.FindField("internal_note")};
  EXPECT_THROW(AccessGuard::CheckFields(fx.Env(admin).Sudo(), users, password, Operation::kRead),
               AccessError);
  EXPECT_NO_THROW(AccessGuard::CheckFields(fx.Env(user), users, password, Operation::kWrite));
  EXPECT_NO_THROW(AccessGuard::CheckFields(fx.Env(admin), partner, note, Operation::kRead));
  EXPECT_THROW(AccessGuard::CheckFields(fx.Env(user), partner, note, Operation::kRead), AccessError);
  EXPECT_NO_THROW(AccessGuard::CheckFields(fx.Env(user).Sudo(), partner, note, Operation::kRead));
}

// Regression: searching or ordering by a write-only field read a user's
// password hash one character at a time ("=like" "$pbkdf2-sha512$...a%").
TEST_P(AccessGuardPg, SearchingIsReadingWriteOnlyAndGroupFieldsAreRefused) {
  RecordFixture fx = Make("guard_search_fields");
  const std::int64_t system = fx.AddGroup("Settings", "base.group_system");
  const std::int64_t admin = fx.AddUser("boss", {system});
  const std::int64_t user = fx.AddUser("u", {});
  fx.AddAccess("res.users", 0, "r");
  fx.AddAccess("res.partner", 0, "r");
  (void)fx.Scalar("hash", "UPDATE res_users SET password = '$pbkdf2-sha512$600000$abc$def' RETURNING id");
  auto search = [&](std::int64_t uid, const char* model, const char* domain, const char* order = "") {
    return RecordSet::Of(fx.Env(uid), model).Search(Value::parse(domain), 0, std::nullopt, order);
  };
  for (std::int64_t uid : {user, admin}) {
    EXPECT_THROW(search(uid, "res.users", R"([["password", "=like", "$pbkdf2-sha512$600000$a%"]])"), AccessError);
    EXPECT_THROW(search(uid, "res.users", R"([["password", "!=", false]])"), AccessError);
    EXPECT_THROW(search(uid, "res.users", "[]", "password desc"), AccessError);
    EXPECT_THROW(RecordSet::Of(fx.Env(uid), "res.users").SearchCount(Value::parse(R"([["password", "=", "x"]])")),
                 AccessError);
    EXPECT_THROW(RecordSet::Of(fx.Env(uid), "res.users")
                     .ReadGroup(Value::parse(R"([["password", "like", "$"]])"), {"login"}, {"login"}, 0,
                                std::nullopt, "", true),
                 AccessError);
  }
  // Even in su: a secret is never read back, and a search is a read.
  EXPECT_THROW(RecordSet::Of(fx.Env(admin).Sudo(), "res.users").Search(Value::parse(R"([["password", "like", "$"]])")),
               AccessError);
  // A field of a group the user is not in: refused to them, allowed to its group.
  EXPECT_THROW(search(user, "res.partner", R"([["internal_note", "like", "secret"]])"), AccessError);
  EXPECT_THROW(search(user, "res.partner", "[]", "internal_note"), AccessError);
  EXPECT_NO_THROW(search(admin, "res.partner", R"([["internal_note", "like", "secret"]])", "internal_note"));
  // Other fields search as before.
  EXPECT_NO_THROW(search(user, "res.users", R"([["login", "=", "u"]])", "login desc"));
}

INSTANTIATE_TEST_SUITE_P(QueriesAndCache, AccessGuardPg, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) { return param.param ? "Cached" : "Queried"; });

TEST(AccessGuard, NormalizeDomainAddsOdoosImplicitAnds) {
  EXPECT_EQ(NormalizeDomain(Value::array()), Value::parse(R"([[1, "=", 1]])"));
  EXPECT_EQ(NormalizeDomain(Value::parse(R"([["a","=",1],["b","=",2],["c","=",3]])")),
            Value::parse(R"(["&","&",["a","=",1],["b","=",2],["c","=",3]])"));
  EXPECT_EQ(NormalizeDomain(Value::parse(R"(["|",["a","=",1],["b","=",2],["c","=",3]])")),
            Value::parse(R"(["&","|",["a","=",1],["b","=",2],["c","=",3]])"));
}

}  // namespace
}  // namespace citadel::orm
