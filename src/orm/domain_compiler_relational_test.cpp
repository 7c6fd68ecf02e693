// The SQL of conditions through relations and hierarchies, against Odoo 18's
// expression.parse (odoo/osv/expression.py): sub-queries, never joins.
#include "orm/domain_compiler.hpp"

#include <gtest/gtest.h>

#include "orm/testing/domain_compile_for_test.hpp"

namespace citadel::orm {
namespace {

using testing::CompileForTest;
using testing::Sql;
using Params = std::vector<std::string>;

TEST(DomainCompilerRelationalTest, Many2onePathsAreNestedInSubqueriesWithoutActiveFilter) {
  EXPECT_EQ(Sql(R"([["parent_id.country_id.code", "=", "BE"]])"),
            R"(("t0"."parent_id" IN (SELECT "t0__1"."id" FROM "res_partner" AS "t0__1" WHERE )"
            R"(("t0__1"."country_id" IN (SELECT "t0__2"."id" FROM "res_country" AS "t0__2" WHERE )"
            R"(("t0__2"."code" = $1))))))");
  // Negated: not any, which keeps the rows without a parent.
  EXPECT_EQ(Sql(R"(["!", ["parent_id.name", "=", "x"]])"),
            R"((("t0"."parent_id" NOT IN (SELECT "t0__1"."id" FROM "res_partner" AS "t0__1" WHERE )"
            R"(("t0__1"."name" = $1))) OR "t0"."parent_id" IS NULL))");
}

TEST(DomainCompilerRelationalTest, Many2oneWithANameSearchesTheComodelsRecName) {
  EXPECT_EQ(Sql(R"([["parent_id", "ilike", "acme"]])"),
            R"(("t0"."parent_id" IN (SELECT "t0__1"."id" FROM "res_partner" AS "t0__1" WHERE )"
            R"(("t0__1"."name" ILIKE $1))))");
  EXPECT_EQ(CompileForTest(R"([["parent_id", "ilike", "acme"]])").params, Params{"%acme%"});
  // A negative operator: the positive search, excluded, and NULL kept.
  EXPECT_EQ(Sql(R"([["parent_id", "not ilike", "acme"]])"),
            R"((("t0"."parent_id" NOT IN (SELECT "t0__1"."id" FROM "res_partner" AS "t0__1" WHERE )"
            R"(("t0__1"."name" ILIKE $1))) OR "t0"."parent_id" IS NULL))");
  // Odoo's "ill-formed domains": an inequality with a name is `=` on it.
  EXPECT_EQ(Sql(R"([["country_id", "<", "Belgium"]])"),
            R"(("t0"."country_id" IN (SELECT "t0__1"."id" FROM "res_country" AS "t0__1" WHERE )"
            R"(("t0__1"."name" = $1))))");
  EXPECT_EQ(Sql(R"([["country_id", "in", ["Belgium", "France"]]])"),
            R"(("t0"."country_id" IN (SELECT "t0__1"."id" FROM "res_country" AS "t0__1" WHERE )"
            R"(("t0__1"."name" = ANY($1)))))");
}

TEST(DomainCompilerRelationalTest, One2manyConditionsSelectTheInverse) {
  const char* lines = R"((SELECT "t0__1"."parent_id" FROM "res_partner" AS "t0__1" WHERE )";
  EXPECT_EQ(Sql(R"([["child_ids.name", "=", "x"]])"),
            std::string(R"(("t0"."id" IN )") + lines +
                R"(("t0__1"."active" = TRUE) AND ("t0__1"."name" = $1) AND "t0__1"."parent_id" IS NOT NULL)))");
  // No archived lines count unless active_test is off or the sub-domain names `active`.
  EXPECT_EQ(Sql(R"([["child_ids.name", "=", "x"]])", {.active_test = false}),
            std::string(R"(("t0"."id" IN )") + lines + R"(("t0__1"."name" = $1) AND "t0__1"."parent_id" IS NOT NULL)))");
  EXPECT_EQ(Sql(R"([["child_ids", "any", [["active", "=", false]]]])"),
            std::string(R"(("t0"."id" IN )") + lines +
                R"(("t0__1"."active" IS NULL OR "t0__1"."active" = FALSE) AND "t0__1"."parent_id" IS NOT NULL)))");
  EXPECT_EQ(Sql(R"([["child_ids", "=", false]])"),
            std::string(R"(("t0"."id" NOT IN )") + lines +
                R"(("t0__1"."active" = TRUE) AND ("t0__1"."parent_id" IS NOT NULL))))");
  EXPECT_EQ(Sql(R"([["child_ids", "!=", 5]])"),
            std::string(R"(("t0"."id" NOT IN )") + lines +
                R"("t0__1"."id" = ANY($1) AND "t0__1"."parent_id" IS NOT NULL)))");
  EXPECT_EQ(Sql(R"([["child_ids", "not ilike", "x"]])"),
            std::string(R"(("t0"."id" NOT IN )") + lines +
                R"(("t0__1"."active" = TRUE) AND ("t0__1"."name" ILIKE $1) AND "t0__1"."parent_id" IS NOT NULL)))");
  EXPECT_EQ(Sql(R"([["child_ids", "in", []]])"), "FALSE");
  EXPECT_EQ(Sql(R"([["child_ids", "not in", []]])"), "TRUE");
}

TEST(DomainCompilerRelationalTest, Many2manyConditionsAreExistsOnTheLinkTable) {
  const char* link = R"((SELECT 1 FROM "res_partner_res_partner_category_rel" AS "t0__1" )"
                     R"(WHERE "t0__1"."res_partner_id" = "t0"."id")";
  EXPECT_EQ(Sql(R"([["category_id", "=", false]])"), std::string("(NOT EXISTS ") + link + "))");
  EXPECT_EQ(Sql(R"([["category_id", "!=", false]])"), std::string("(EXISTS ") + link + "))");
  EXPECT_EQ(Sql(R"([["category_id", "in", [1, 0]]])"),
            std::string("(EXISTS ") + link + R"( AND "t0__1"."res_partner_category_id" = ANY($1))))");
  EXPECT_EQ(CompileForTest(R"([["category_id", "in", [1, 0]]])").params, Params{R"({"1"})"});
  EXPECT_EQ(Sql(R"([["category_id", "not in", [0]]])"), "TRUE");
  EXPECT_EQ(Sql(R"([["category_id", "not any", [["name", "=", "vip"]]]])"),
            R"((NOT EXISTS (SELECT 1 FROM "res_partner_res_partner_category_rel" AS "t0__2" WHERE )"
            R"("t0__2"."res_partner_id" = "t0"."id" AND "t0__2"."res_partner_category_id" IN )"
            R"((SELECT "t0__1"."id" FROM "res_partner_category" AS "t0__1" WHERE ("t0__1"."active" = TRUE) AND )"
            R"(("t0__1"."name" = $1)))))");
}

TEST(DomainCompilerRelationalTest, ChildOfAndParentOfAreRecursiveQueries) {
  EXPECT_EQ(Sql(R"([["id", "child_of", 3]])"),
            R"(("t0"."id" IN (WITH RECURSIVE "t0__2"("id") AS ((SELECT "t0__1"."id" FROM "res_partner" AS "t0__1" )"
            R"(WHERE "t0__1"."id" = ANY($1)) UNION SELECT "t0__3"."id" FROM "res_partner" AS "t0__3" JOIN "t0__2" )"
            R"(ON "t0__3"."parent_id" = "t0__2"."id") SELECT "t0__2"."id" FROM "t0__2")))");
  // parent_of walks up; Odoo drops the 0 ids.
  EXPECT_EQ(Sql(R"([["id", "parent_of", [0, 3]]])"),
            R"(("t0"."id" IN (WITH RECURSIVE "t0__2"("id") AS ((SELECT "t0__1"."id" FROM "res_partner" AS "t0__1" )"
            R"(WHERE "t0__1"."id" = ANY($1)) UNION SELECT "t0__3"."parent_id" FROM "res_partner" AS "t0__3" )"
            R"(JOIN "t0__2" ON "t0__3"."id" = "t0__2"."id" WHERE "t0__3"."parent_id" IS NOT NULL) )"
            R"(SELECT "t0__2"."id" FROM "t0__2")))");
  EXPECT_EQ(CompileForTest(R"([["id", "parent_of", [0, 3]]])").params, Params{R"({"3"})"});
  EXPECT_EQ(Sql(R"([["id", "parent_of", [0]]])"), "FALSE");
  EXPECT_EQ(Sql(R"([["id", "child_of", []]])"), "FALSE");
  // On the model's own one2many Odoo walks the other way: child_ids child_of X are X's ancestors.
  EXPECT_NE(Sql(R"([["child_ids", "child_of", 3]])").find(R"(UNION SELECT "t0__3"."parent_id")"), std::string::npos);
  // A many2one to another hierarchy compares the column with the walk.
  EXPECT_EQ(Sql(R"([["main_tag_id", "child_of", "vip"]])"),
            R"(("t0"."main_tag_id" IN (WITH RECURSIVE "t0__2"("id") AS ((SELECT "t0__1"."id" FROM )"
            R"("res_partner_category" AS "t0__1" WHERE ("t0__1"."name" ILIKE $1)) UNION SELECT "t0__3"."id" FROM )"
            R"("res_partner_category" AS "t0__3" JOIN "t0__2" ON "t0__3"."parent_id" = "t0__2"."id") )"
            R"(SELECT "t0__2"."id" FROM "t0__2")))");
  EXPECT_EQ(Sql(R"(["!", ["parent_id", "child_of", 1]])").substr(0, 21), R"((NOT ("t0"."id" IN (W)");
}

TEST(DomainCompilerRelationalTest, ReadRulesAreAndedIntoComodelSearchesOnly) {
  DomainCompileOptions options;
  options.read_rule = [](const Model& model) -> std::optional<Domain> {
    if (model.name() != "res.country") return std::nullopt;
    return Domain::Parse(model, Value::parse(R"([["code", "!=", "XX"]])"));
  };
  EXPECT_EQ(Sql(R"([["country_id.name", "=", "Belgium"]])", options),
            R"(("t0"."country_id" IN (SELECT "t0__1"."id" FROM "res_country" AS "t0__1" WHERE )"
            R"(("t0__1"."name" = $1) AND (("t0__1"."code" != $2) OR "t0__1"."code" IS NULL))))");
  // The root model's own rules are the caller's business, and plain ids reach no rule.
  EXPECT_EQ(Sql(R"([["country_id", "=", 3]])", options), R"(("t0"."country_id" = $1))");
}

TEST(DomainCompilerRelationalTest, SubqueryAliasesDeriveFromTheCallersAlias) {
  const Domain domain = Domain::Parse(testing::TestPartner(), Value::parse(R"([["parent_id.name", "=", "x"]])"));
  const auto sql = CompileDomain(domain, *db::Identifier::Make("partner"));
  EXPECT_EQ(sql.Text(), R"(("partner"."parent_id" IN (SELECT "partner__1"."id" FROM "res_partner" AS "partner__1" )"
                        R"(WHERE ("partner__1"."name" = $1))))");
}

}  // namespace
}  // namespace citadel::orm
