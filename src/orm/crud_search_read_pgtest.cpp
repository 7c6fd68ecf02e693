// RecordSet::SearchRead against a real PostgreSQL: the rows in one statement
// (the search's WHERE, ORDER BY and LIMIT with the read's columns), then one
// per relational field, whatever the number of rows, with the rights taken
// from a SecurityCache as a client's call has them; and the same answers as
// the two steps it replaces (Search, then Read of what it found): same rows,
// order and values, record rules included, field checks kept.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/record_set_test_models.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;

using testing::J;
using testing::kAdmin;

// 3 roots ("Root ..."), then 100 "Partner NNN" children of them, over two
// companies, every 17th archived, every 4th tagged.
struct PartnerTree {
  std::int64_t company_one = 0;
  std::int64_t company_two = 0;
  std::vector<std::int64_t> roots;
  std::vector<std::int64_t> children;
};

PartnerTree SeedPartnerTree(RecordFixture& fx) {
  PartnerTree seeded;
  seeded.company_one = fx.AddCompany("One");
  seeded.company_two = fx.AddCompany("Two");
  const Environment su = fx.Env(kAdmin).Sudo();
  const auto tags =
      RecordSet::Of(su, "res.partner.category").Create(J(R"([{"name": "a"}, {"name": "b"}])"));
  seeded.roots = RecordSet::Of(su, "res.partner")
                     .Create(J(R"([{"name": "Root A"}, {"name": "Root B"}, {"name": "Root C"}])"));
  Value vals = Value::array();
  for (int i = 0; i < 100; ++i) {
    const std::string number = std::to_string(1000 + (i * 37) % 100).substr(1);  // not in id order
    Value partner{{"name", "Partner " + number},
                  {"ref", "r" + number},
                  {"color", i % 7},
                  {"parent_id", seeded.roots[i % 3]},
                  {"company_id", i % 2 == 0 ? seeded.company_one : seeded.company_two},
                  {"active", i % 17 != 0}};
    if (i % 4 == 0) partner["category_id"] = Value::array({Value::array({6, 0, tags})});
    vals.push_back(partner);
  }
  seeded.children = RecordSet::Of(su, "res.partner").Create(vals);
  return seeded;
}

// The statements one SearchRead sends, in an environment made beforehand
// (making it reads the security version, as a client's call does first).
std::uint64_t SearchReadStatements(RecordFixture& fx, const Environment& env,
                                   const std::vector<std::string>& fields, std::int64_t limit,
                                   std::size_t expected_rows) {
  const std::uint64_t before = fx.connection().statements_sent();
  const Value rows = RecordSet::Of(env, "res.partner")
                         .SearchRead(J(R"([["name", "ilike", "partner"]])"), fields, 0, limit, "");
  const std::uint64_t sent = fx.connection().statements_sent() - before;
  EXPECT_EQ(rows.size(), expected_rows);
  return sent;
}

TEST(SearchReadPg, OneStatementForTheRowsAndOnePerRelationalField) {
  RecordFixture fx = RecordFixture::Make("search_read_statements");
  fx.UseSecurityCache();
  const PartnerTree seeded = SeedPartnerTree(fx);
  const std::int64_t users = fx.AddGroup("Users");
  fx.AddAccess("res.partner", users, "r");
  const std::int64_t user = fx.AddUser("u", {users});
  fx.AddRule("res.partner",
             R"([["company_id", "in", [)" + std::to_string(seeded.company_one) + ", " +
                 std::to_string(seeded.company_two) + "]]]",
             {}, "r");
  (void)fx.Env(user);  // the cache loaded for this version of the rights
  const std::uint64_t loads = fx.security_cache()->snapshot_loads();

  const std::vector<std::string> five = {"name", "ref", "color", "parent_id", "active"};
  for (const std::int64_t limit : {5, 80}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    const Environment env = fx.Env(user);
    EXPECT_EQ(SearchReadStatements(fx, env, five, limit, limit), 2u)
        << "the rows, then parent_id's names";
    EXPECT_EQ(SearchReadStatements(fx, env, {"name", "parent_id", "category_id"}, limit, limit), 3u)
        << "the rows, parent_id's names, category_id's links";
    EXPECT_EQ(SearchReadStatements(fx, env, {"id"}, limit, limit), 1u);
    EXPECT_EQ(SearchReadStatements(fx, env, {"name", "display_name"}, limit, limit), 1u);
  }
  EXPECT_EQ(fx.security_cache()->snapshot_loads(), loads)
      << "every rights answer came from the cache";
}

TEST(SearchReadPg, SameRowsOrderAndValuesAsSearchThenRead) {
  RecordFixture fx = RecordFixture::Make("search_read_two_steps");
  fx.UseSecurityCache();
  const PartnerTree seeded = SeedPartnerTree(fx);
  const std::int64_t users = fx.AddGroup("Users");
  fx.AddAccess("res.partner", users, "r");
  fx.AddAccess("res.partner.category", users, "r");
  const std::int64_t user = fx.AddUser("u", {users});
  // Hides company two's partners (and the roots, which have no company).
  fx.AddRule("res.partner", R"([["company_id", "=", )" + std::to_string(seeded.company_one) + "]]",
             {users}, "r");
  fx.AddRule("res.partner.category", R"([["name", "=", "a"]])", {},
             "r");  // hides tag b from the links

  struct Case {
    const char* domain;
    std::vector<std::string> fields;
    std::int64_t offset;
    std::optional<std::int64_t> limit;
    const char* order;
    Value context = Value::object();
  };
  const std::vector<Case> cases = {
      {"[]", {"name", "ref", "color", "parent_id", "active"}, 0, 80, ""},
      {R"([["name", "ilike", "partner 0"]])", {"name", "parent_id"}, 3, 7, "color desc, name"},
      {R"([["color", ">", 2]])",
       {"ref", "company_id", "category_id"},
       10,
       15,
       "parent_id desc, ref"},
      {R"(["|", ["color", "=", 1], ["ref", "like", "r09%"]])",
       {"display_name", "child_ids", "parent_id"},
       0,
       std::nullopt,
       "ref desc"},
      {"[]", {}, 20, 5, "id desc"},
      {"[]", {"id"}, 0, 12, ""},
      {R"([["active", "=", false]])",
       {"name", "active"},
       0,
       std::nullopt,
       "",
       J(R"({"active_test": false})")},
      {"[]", {"name"}, 0, 30, "", J(R"({"active_test": false})")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.domain) + " order '" + c.order + "' offset " +
                 std::to_string(c.offset));
    const Environment env = fx.Env(user, c.context);
    const RecordSet partners = RecordSet::Of(env, "res.partner");
    const Value domain = J(c.domain);
    const Value one_step = partners.SearchRead(domain, c.fields, c.offset, c.limit, c.order);
    const Value two_steps =
        partners.Browse(partners.Search(domain, c.offset, c.limit, c.order)).Read(c.fields);
    EXPECT_EQ(one_step, two_steps);
    EXPECT_FALSE(one_step.empty());
    for (const Value& row : one_step) {
      EXPECT_FALSE(row.contains("internal_note")) << "a field of a group the user is not in";
    }
  }

  // The rule really hides rows: only company one's, archived ones apart.
  const Environment env = fx.Env(user);
  const Value visible =
      RecordSet::Of(env, "res.partner").SearchRead(J("[]"), {"company_id"}, 0, std::nullopt, "");
  EXPECT_EQ(visible.size(), 47u);  // 50 of company one, less the three archived (i = 0, 34, 68)
  for (const Value& row : visible) EXPECT_EQ(row["company_id"][0], seeded.company_one);
  // Partner 096 and 094 are children 8 and 62 (37 * i mod 100), both of Root C.
  const Value page = RecordSet::Of(env, "res.partner")
                         .SearchRead(J("[]"), {"name", "parent_id"}, 1, 2, "name desc");
  const Value root_c = Value::array({seeded.roots[2], "Root C"});
  EXPECT_EQ(
      page,
      Value::array(
          {Value{{"id", seeded.children[8]}, {"name", "Partner 096"}, {"parent_id", root_c}},
           Value{{"id", seeded.children[62]}, {"name", "Partner 094"}, {"parent_id", root_c}}}));
}

TEST(SearchReadPg, FieldsAreCheckedEvenWhenNothingMatches) {
  RecordFixture fx = RecordFixture::Make("search_read_field_checks");
  fx.UseSecurityCache();
  const std::int64_t users = fx.AddGroup("Users");
  fx.AddAccess("res.partner", users, "r");
  fx.AddAccess("res.users", users, "r");
  const std::int64_t user = fx.AddUser("u", {users});
  const Environment env = fx.Env(user);
  const RecordSet partners = RecordSet::Of(env, "res.partner");
  const Value none = J(R"([["name", "=", "nobody"]])");
  EXPECT_EQ(partners.SearchRead(none, {"name"}, 0, std::nullopt, ""), Value::array());
  EXPECT_THROW(partners.SearchRead(none, {"nope"}, 0, std::nullopt, ""), ValidationError);
  EXPECT_THROW(partners.SearchRead(none, {"internal_note"}, 0, std::nullopt, ""), AccessError)
      << "a field of a group the user is not in";
  EXPECT_THROW(partners.SearchRead(none, {"name"}, -1, std::nullopt, ""), ValidationError);
  EXPECT_THROW(partners.SearchRead(none, {"name"}, 0, std::nullopt, "nope"), ValidationError);

  const RecordSet logins = RecordSet::Of(env, "res.users");
  EXPECT_THROW(logins.SearchRead(J("[]"), {"password"}, 0, std::nullopt, ""), AccessError)
      << "a write-only field, never read";
  const Value all = logins.SearchRead(J("[]"), {}, 0, std::nullopt, "");
  ASSERT_FALSE(all.empty());
  for (const Value& row : all) {
    EXPECT_FALSE(row.contains("password"));
    EXPECT_TRUE(row.contains("login"));
  }

  const std::int64_t outsiders = fx.AddUser("nobody", {});
  EXPECT_THROW(
      RecordSet::Of(fx.Env(outsiders), "res.partner").SearchRead(J("[]"), {"name"}, 0, 1, ""),
      AccessError)
      << "no read right on the model";
}

}  // namespace
}  // namespace citadel::orm
