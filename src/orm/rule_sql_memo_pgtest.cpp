// RuleSqlMemo in use (AccessGuard::RecordsAllowedSql with the security
// cache): a user's rules are compiled once per snapshot and the answer is the
// same; what the SQL depends on per call (the context's companies) is in the
// key, a company the user may not use is refused on every call, rules that
// read the database are not kept, and new rules start a new snapshot.
#include "orm/rule_sql_memo.hpp"

#include <gtest/gtest.h>

#include "orm/access_guard.hpp"
#include "orm/crud_sql.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/record_set_test_models.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;

struct Tenant {
  RecordFixture fx;
  std::int64_t user = 0;
  std::int64_t first = 0;   // a company of the user
  std::int64_t second = 0;  // another one of the user
  std::int64_t other = 0;   // not the user's
  std::int64_t in_first = 0, in_second = 0;  // a partner of each

  static Tenant Make(const std::string& database) {
    Tenant t{RecordFixture::Make(database)};
    t.fx.UseSecurityCache();
    t.first = t.fx.AddCompany("First");
    t.second = t.fx.AddCompany("Second");
    t.other = t.fx.AddCompany("Other");
    t.user = t.fx.AddUser("u", {});
    for (std::int64_t company : {t.first, t.second}) {
      EXPECT_TRUE(t.fx.connection().Execute("INSERT INTO res_company_users_rel (user_id, cid) VALUES ($1, $2)",
                                            t.user, company));
    }
    t.fx.AddAccess("res.partner", 0, "r");
    t.fx.AddRule("res.partner", R"([["company_id", "in", {"var": "company_ids"}]])", {}, "r");
    t.in_first = t.Partner("p1", t.first);
    t.in_second = t.Partner("p2", t.second);
    return t;
  }
  std::int64_t Partner(const std::string& name, std::int64_t company) {
    auto r = fx.connection().Execute("INSERT INTO res_partner (name, company_id, active) VALUES ($1, $2, true) RETURNING id",
                                     name, company);
    EXPECT_TRUE(r);
    return std::stoll(r->Text(0, "id"));
  }
  Environment Env(const std::vector<std::int64_t>& companies = {}) {
    Value context = Value::object();
    if (!companies.empty()) context["allowed_company_ids"] = companies;
    return fx.Env(user, context);
  }
  bool Reads(Environment env, std::int64_t id) {
    try {
      return RecordSet::Of(env, "res.partner").Browse({id}).Read({"name"}).size() == 1;
    } catch (const AccessError&) {
      return false;
    }
  }
};

const Model& Partner(RecordFixture& fx) { return *fx.registry()->FindModel("res.partner"); }

TEST(RuleSqlMemoPg, CompiledOncePerSnapshotWithTheSameAnswer) {
  Tenant t = Tenant::Make("rule_sql_memo_once");
  Environment env = t.Env();
  auto first = AccessGuard::RecordsAllowedSql(env, Partner(t.fx), Operation::kRead, crud_sql::RootAlias());
  ASSERT_TRUE(first);
  EXPECT_EQ(env.security_snapshot()->rule_sql().size(), 1u);
  Environment again = t.Env();
  ASSERT_EQ(again.security_snapshot(), env.security_snapshot()) << "the same version, the same snapshot";
  auto second = AccessGuard::RecordsAllowedSql(again, Partner(t.fx), Operation::kRead, crud_sql::RootAlias());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->Text(), first->Text());
  EXPECT_EQ(second->params(), first->params());
  EXPECT_EQ(env.security_snapshot()->rule_sql().size(), 1u);
  EXPECT_TRUE(t.Reads(t.Env(), t.in_first));
  EXPECT_TRUE(t.Reads(t.Env(), t.in_second));
}

TEST(RuleSqlMemoPg, TheContextsCompaniesAreInTheKeyAndCheckedEveryCall) {
  Tenant t = Tenant::Make("rule_sql_memo_companies");
  for (int round = 0; round < 2; ++round) {  // the second round answers from the memo
    EXPECT_TRUE(t.Reads(t.Env({t.first}), t.in_first));
    EXPECT_FALSE(t.Reads(t.Env({t.first}), t.in_second)) << "round " << round;
    EXPECT_TRUE(t.Reads(t.Env({t.second}), t.in_second));
    EXPECT_FALSE(t.Reads(t.Env({t.second}), t.in_first)) << "round " << round;
    EXPECT_TRUE(t.Reads(t.Env(), t.in_first));
    EXPECT_THROW(AccessGuard::RecordsAllowedSql(t.Env({t.other}), Partner(t.fx), Operation::kRead,
                                                crud_sql::RootAlias()),
                 AccessError)
        << "a company the user does not have, round " << round;
  }
  EXPECT_EQ(t.Env().security_snapshot()->rule_sql().size(), 3u) << "[first], [second], none; never [other]";
}

TEST(RuleSqlMemoPg, RulesThatReadTheDatabaseAreNotKept) {
  Tenant t = Tenant::Make("rule_sql_memo_reads");
  // The test models' partner lacks the column the variable is read from.
  ASSERT_TRUE(t.fx.connection().Execute("ALTER TABLE res_partner ADD COLUMN commercial_partner_id int4"));
  t.fx.AddRule("res.partner", R"([["id", "!=", {"var": "user.commercial_partner_id"}]])", {}, "r");
  EXPECT_TRUE(t.Reads(t.Env(), t.in_first));
  EXPECT_EQ(t.Env().security_snapshot()->rule_sql().size(), 0u);
}

TEST(RuleSqlMemoPg, NewRulesAreObeyedFromTheNextCall) {
  Tenant t = Tenant::Make("rule_sql_memo_new_rules");
  EXPECT_TRUE(t.Reads(t.Env(), t.in_first));
  EXPECT_TRUE(t.Reads(t.Env(), t.in_first));
  t.fx.AddRule("res.partner", R"([["name", "!=", "p1"]])", {}, "r");
  EXPECT_FALSE(t.Reads(t.Env(), t.in_first)) << "a rule added: a new snapshot, compiled again";
  EXPECT_TRUE(t.Reads(t.Env(), t.in_second));
  ASSERT_TRUE(t.fx.connection().Execute("DELETE FROM res_company_users_rel WHERE cid = $1", t.second));
  EXPECT_FALSE(t.Reads(t.Env(), t.in_second)) << "a company taken from the user";
}

}  // namespace
}  // namespace citadel::orm
