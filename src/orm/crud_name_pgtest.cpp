// NameSearch and NameCreate against PostgreSQL: Odoo 18's name_search (ilike
// on the rec_name, the domain ANDed, archived hidden, limit, the rules) and
// name_create (defaults applied, false without rec_name, create rights).
#include <gtest/gtest.h>

#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/record_set_test_models.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;
using testing::J;
using testing::kAdmin;

TEST(NamePg, NameSearchMatchesTheRecNameWithinDomainRulesAndLimit) {
  RecordFixture fx = RecordFixture::Make("name_search");
  Environment admin = fx.Env(kAdmin).Sudo();
  RecordSet partners = RecordSet::Of(admin, "res.partner");
  const auto ids = partners.Create(J(R"([{"name": "Alpha"}, {"name": "alphabet", "type": "invoice"},
      {"name": "Beta"}, {"name": "Alpine", "active": false}])"));
  const std::int64_t alpha = ids[0], alphabet = ids[1], beta = ids[2];

  EXPECT_EQ(partners.NameSearch("alp", Value::array(), "ilike", 100),
            Value::array({Value::array({alpha, "Alpha"}), Value::array({alphabet, "alphabet"})}))
      << "ilike on name, archived hidden, the model's order";
  EXPECT_EQ(partners.NameSearch("alp", J(R"([["type", "=", "invoice"]])"), "ilike", 100),
            Value::array({Value::array({alphabet, "alphabet"})}));
  EXPECT_EQ(partners.NameSearch("alp", Value::array(), "ilike", 1).size(), 1u);
  EXPECT_EQ(partners.NameSearch("Alpha", Value::array(), "=", 100),
            Value::array({Value::array({alpha, "Alpha"})}));
  EXPECT_EQ(partners.NameSearch("alp", Value::array(), "not ilike", 100),
            Value::array({Value::array({beta, "Beta"})}));
  EXPECT_EQ(partners.NameSearch("", Value::array(), "ilike", 100).size(), 3u) << "'' matches all";
  EXPECT_THROW(partners.NameSearch("a", Value::array(), "bogus", 100), ValidationError);

  const std::int64_t group = fx.AddGroup("G");
  fx.AddAccess("res.partner", group, "r");
  const std::int64_t user = fx.AddUser("user", {group});
  fx.AddRule("res.partner", R"([["type", "=", "contact"]])", {}, "r");
  Environment as_user = fx.Env(user);
  EXPECT_EQ(RecordSet::Of(as_user, "res.partner").NameSearch("alp", Value::array(), "ilike", 100),
            Value::array({Value::array({alpha, "Alpha"})}))
      << "record rules apply";
  Environment as_nobody = fx.Env(fx.AddUser("nobody", {}));
  EXPECT_THROW(RecordSet::Of(as_nobody, "res.partner").NameSearch("a", Value::array(), "ilike", 100),
               AccessError);
}

TEST(NamePg, NameCreate) {
  RecordFixture fx = RecordFixture::Make("name_create");
  const std::int64_t group = fx.AddGroup("G");
  fx.AddAccess("res.partner", group, "rwc");
  fx.AddAccess("res.users", group, "r");
  fx.AddAccess("test.no.name", group, "rwc");
  const std::int64_t user = fx.AddUser("user", {group});
  Environment env = fx.Env(user);
  const Value created = RecordSet::Of(env, "res.partner").NameCreate("Gamma");
  ASSERT_TRUE(created.is_array());
  EXPECT_EQ(created[1], "Gamma");
  const Value row = RecordSet::Of(env, "res.partner").Browse({created[0].get<std::int64_t>()}).Read({"name", "type", "color"})[0];
  EXPECT_EQ(row["type"], "contact") << "defaults apply";
  EXPECT_EQ(row["color"], user * 10);
  EXPECT_EQ(RecordSet::Of(env, "test.no.name").NameCreate("x"), Value(false)) << "no rec_name: False, as Odoo";
  EXPECT_EQ(RecordSet::Of(env, "res.users").Browse({}).SearchCount(Value::array()), 2);
  EXPECT_THROW(RecordSet::Of(env, "res.users").NameCreate("login2"), AccessError) << "no create right";
}

}  // namespace
}  // namespace citadel::orm
