// Domain::Parse: structure, paths, normalisation and the canonical form, each
// against what Odoo 18's expression.py does with the same domain.
#include "orm/domain.hpp"

#include <gtest/gtest.h>

#include "orm/errors.hpp"
#include "orm/testing/domain_compile_for_test.hpp"
#include "orm/testing/domain_describe.hpp"
#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm {
namespace {

using testing::TestPartner;

std::string Canonical(const char* json) {
  return testing::Describe(Domain::Parse(TestPartner(), Value::parse(json)));
}

TEST(DomainParseTest, EmptyDomainIsTrue) { EXPECT_EQ(Canonical("[]"), "TRUE"); }

TEST(DomainParseTest, ConsecutiveTermsAreAndedAsNormalizeDomainDoes) {
  EXPECT_EQ(Canonical(R"([["name", "=", "a"], ["color", ">", 1]])"), R"(&(name = "a", color > 1))");
  // ['|', A, B, C] is (A | B) & C: the implicit '&' goes in front.
  EXPECT_EQ(Canonical(R"(["|", ["name", "=", "a"], ["color", ">", 1], ["credit", "<", 2]])"),
            R"(&(|(name = "a", color > 1), credit < 2))");
  EXPECT_EQ(Canonical(R"([["name", "=", "a"], "|", ["color", ">", 1], ["credit", "<", 2]])"),
            R"(&(name = "a", |(color > 1, credit < 2)))");
}

TEST(DomainParseTest, AndAndOrBecomeNaryAndAbsorbTrueAndFalse) {
  EXPECT_EQ(Canonical(R"(["&", "&", ["name", "=", "a"], ["color", "=", 1], ["credit", "=", 2]])"),
            R"(&(name = "a", color = 1, credit = 2))");
  EXPECT_EQ(Canonical(R"(["|", ["name", "=", "a"], [1, "=", 1]])"), "TRUE");
  EXPECT_EQ(Canonical(R"(["&", ["name", "=", "a"], [1, "=", 1]])"), R"(name = "a")");
  EXPECT_EQ(Canonical(R"([["name", "=", "a"], [0, "=", 1]])"), "FALSE");
  EXPECT_EQ(Canonical(R"(["|", [0, "=", 1], ["name", "=", "a"]])"), R"(name = "a")");
}

TEST(DomainParseTest, NotNegatesTheOperatorLikeTreeNot) {
  EXPECT_EQ(Canonical(R"(["!", ["name", "=", "a"]])"), R"(name != "a")");
  EXPECT_EQ(Canonical(R"(["!", ["color", "<", 3]])"), "color >= 3");
  EXPECT_EQ(Canonical(R"(["!", ["name", "not ilike", "a"]])"), R"(name ilike "a")");
  EXPECT_EQ(Canonical(R"(["!", ["id", "in", [1, 2]]])"), "id not in [1,2]");
  EXPECT_EQ(Canonical(R"(["!", "&", ["name", "=", "a"], ["color", "=", 1]])"), R"(|(name != "a", color != 1))");
  EXPECT_EQ(Canonical(R"(["!", "!", ["name", "=", "a"]])"), R"(name = "a")");
  EXPECT_EQ(Canonical(R"(["!", [1, "=", 1]])"), "FALSE");
  // No negation of =like, =ilike, child_of, parent_of: a NOT stays.
  EXPECT_EQ(Canonical(R"(["!", ["name", "=like", "a%"]])"), R"(!(name =like "a%"))");
  EXPECT_EQ(Canonical(R"(["!", ["id", "child_of", 3]])"), "!(id child_of [3])");
  // '=?' is settled when negated: a true value makes it '!=', a false one FALSE.
  EXPECT_EQ(Canonical(R"(["!", ["name", "=?", "a"]])"), R"(name != "a")");
  EXPECT_EQ(Canonical(R"(["!", ["name", "=?", false]])"), "FALSE");
  EXPECT_EQ(Canonical(R"(["!", ["color", "=?", 0]])"), "FALSE");
  EXPECT_EQ(Canonical(R"([["color", "=?", 0]])"), "color =? 0");
}

TEST(DomainParseTest, PathsBecomeAnyConditionsAndNotAnyWhenNegated) {
  EXPECT_EQ(Canonical(R"([["parent_id.country_id.code", "=", "BE"]])"),
            R"(parent_id any (country_id any (code = "BE")))");
  EXPECT_EQ(Canonical(R"(["!", ["parent_id.name", "=", "x"]])"), R"(parent_id not any (name = "x"))");
  EXPECT_EQ(Canonical(R"([["child_ids", "any", [["color", "=", 1], ["name", "!=", false]]]])"),
            "child_ids any (&(color = 1, name != false))");
  EXPECT_EQ(Canonical(R"([["child_ids", "any", []]])"), "child_ids any (TRUE)");
}

TEST(DomainParseTest, AnyConditionsOnOneFieldMergeAsTreeCombineAnies) {
  // x2many: any OR any merges, any AND any does not.
  EXPECT_EQ(Canonical(R"(["|", ["child_ids.name", "=", "a"], ["child_ids.color", "=", 1]])"),
            R"(child_ids any (|(name = "a", color = 1)))");
  EXPECT_EQ(Canonical(R"([["child_ids.name", "=", "a"], ["child_ids.color", "=", 1]])"),
            R"(&(child_ids any (name = "a"), child_ids any (color = 1)))");
  // many2one: any AND any merges too (one record at most).
  EXPECT_EQ(Canonical(R"([["parent_id.name", "=", "a"], ["parent_id.color", "=", 1]])"),
            R"(parent_id any (&(name = "a", color = 1)))");
  // not any AND not any merges into not any (OR).
  EXPECT_EQ(Canonical(R"(["!", "|", ["category_id.name", "=", "a"], ["category_id.name", "=", "b"]])"),
            R"(category_id not any (|(name = "a", name = "b")))");
}

TEST(DomainParseTest, DisplayNameSearchesTheRecNameAndRelatedFieldsTheirPath) {
  EXPECT_EQ(Canonical(R"([["display_name", "ilike", "ac"]])"), R"(name ilike "ac")");
  EXPECT_EQ(Canonical(R"([["parent_id.display_name", "=", "ac"]])"), R"(parent_id any (name = "ac"))");
  EXPECT_EQ(Canonical(R"([["country_code", "=", "BE"]])"), R"(country_id any (code = "BE"))");
}

// Found by the property test once its evaluator read raw domains: Odoo's
// _search_related also matches partners without a country when the leaf
// looks for unset values, and '!' negates the leaf's operator before the
// expansion (through '|' too), rather than negating the expansion.
TEST(DomainParseTest, RelatedFieldsMatchUnsetLinksAsSearchRelatedDoes) {
  EXPECT_EQ(Canonical(R"([["country_code", "!=", "BE"]])"),
            R"(|(country_id any (code != "BE"), country_id = false))");
  EXPECT_EQ(Canonical(R"([["country_code", "=", false]])"), R"(|(country_id any (code = false), country_id = false))");
  EXPECT_EQ(Canonical(R"([["country_code", "in", ["BE", false]]])"),
            R"(|(country_id any (code in ["BE",false]), country_id = false))");
  EXPECT_EQ(Canonical(R"(["!", ["country_code", "<", "M"]])"), R"(country_id any (code >= "M"))");
  EXPECT_EQ(Canonical(R"(["!", "|", ["name", "=", "a"], ["country_code", "<", "M"]])"),
            R"(&(name != "a", country_id any (code >= "M")))");
  EXPECT_EQ(Canonical(R"(["!", ["country_code", "=", "BE"]])"),
            R"(|(country_id any (code != "BE"), country_id = false))");
  // A related field after a path: the path is `any`, the related part as above.
  EXPECT_EQ(Canonical(R"([["parent_id.country_code", "=", false]])"),
            R"(parent_id any (|(country_id any (code = false), country_id = false)))");
}

// Found the same way: _condition_to_sql reads a boolean's None apart from
// False (None is no bool): "= null" is IS NULL, not "IS NULL OR = FALSE".
TEST(DomainParseTest, ABooleansNullIsUnsetOnly) {
  EXPECT_EQ(Canonical(R"([["is_company", "=", null]])"), "is_company = null");
  EXPECT_EQ(Canonical(R"(["!", ["is_company", "=", null]])"), "is_company != null");
  EXPECT_EQ(Canonical(R"([["is_company", "=?", null]])"), "is_company =? false");
  EXPECT_EQ(testing::Sql(R"([["is_company", "=?", null]])"), "TRUE");
  EXPECT_EQ(testing::Sql(R"([["is_company", "=", null]])"), R"(("t0"."is_company" IS NULL))");
  EXPECT_EQ(testing::Sql(R"([["is_company", "!=", null]])"), R"(("t0"."is_company" IS NOT NULL))");
}

TEST(DomainParseTest, LeafNormalisationsOfNormalizeLeaf) {
  EXPECT_EQ(Canonical(R"([["name", "<>", "a"]])"), R"(name != "a")");
  EXPECT_EQ(Canonical(R"([["is_company", "in", true]])"), "is_company = true");
  EXPECT_EQ(Canonical(R"([["color", "=", [1, 2]]])"), "color in [1,2]");
  EXPECT_EQ(Canonical(R"([["color", "!=", []]])"), "color not in []");
  EXPECT_EQ(Canonical(R"([["name", "=", null]])"), "name = false");
  EXPECT_EQ(Canonical(R"([["color", "in", [1, null]]])"), "color in [1,false]");
  EXPECT_EQ(Canonical(R"([["parent_id", "in", "Acme"]])"), R"(parent_id = "Acme")");
}

TEST(DomainParseTest, DatesAreCheckedAndADayOnADatetimeGetsItsTime) {
  EXPECT_EQ(Canonical(R"([["last_seen", ">", "2024-02-29"]])"), R"(last_seen > "2024-02-29 23:59:59")");
  EXPECT_EQ(Canonical(R"([["last_seen", "<=", "2024-02-29"]])"), R"(last_seen <= "2024-02-29 23:59:59")");
  EXPECT_EQ(Canonical(R"([["last_seen", ">=", "2024-02-29"]])"), R"(last_seen >= "2024-02-29 00:00:00")");
  EXPECT_EQ(Canonical(R"([["last_seen", "like", "2024-02-29"]])"), R"(last_seen like "2024-02-29 00:00:00")");
  EXPECT_EQ(Canonical(R"([["birthday", "=", "2024-02-29 10:00:00"]])"), R"(birthday = "2024-02-29")");
  EXPECT_EQ(Canonical(R"([["birthday", "like", "2024-"]])"), R"(birthday like "2024-")");
}

TEST(DomainParseTest, HierarchyValuesBecomeListsOfIdsOrNames) {
  EXPECT_EQ(Canonical(R"([["id", "child_of", 3]])"), "id child_of [3]");
  EXPECT_EQ(Canonical(R"([["id", "child_of", false]])"), "id child_of []");
  EXPECT_EQ(Canonical(R"([["parent_id", "parent_of", "Acme"]])"), R"(parent_id parent_of ["Acme"])");
  EXPECT_EQ(Canonical(R"([["category_id", "child_of", [1, 2]]])"), "category_id child_of [1,2]");
  EXPECT_EQ(Canonical(R"([["child_ids", "child_of", 1]])"), "child_ids child_of [1]");
}

TEST(DomainParseTest, WithActiveTestAddsTheActiveLeafUnlessTheDomainNamesIt) {
  const Model& partner = TestPartner();
  EXPECT_EQ(WithActiveTest(Value::parse(R"([["name", "=", "a"]])"), partner, true),
            Value::parse(R"([["active", "=", true], ["name", "=", "a"]])"));
  EXPECT_EQ(WithActiveTest(Value::array(), partner, true), Value::parse(R"([["active", "=", true]])"));
  const Value names_active = Value::parse(R"(["|", ["active", "=", false], ["name", "=", "a"]])");
  EXPECT_EQ(WithActiveTest(names_active, partner, true), names_active);
  const Value plain = Value::parse(R"([["name", "=", "a"]])");
  EXPECT_EQ(WithActiveTest(plain, partner, false), plain);
  EXPECT_EQ(WithActiveTest(plain, testing::TestCountry(), true), plain);  // no active field
  // Inside an any, `active` is the comodel's: the filter is still added.
  EXPECT_EQ(WithActiveTest(Value::parse(R"([["child_ids", "any", [["active", "=", false]]]])"), partner, true)
                .size(),
            2u);
}

TEST(DomainParseTest, MentionsFieldAtTopLooksThroughOperatorsButNotIntoAny) {
  auto parse = [](const char* json) { return Domain::Parse(TestPartner(), Value::parse(json)); };
  EXPECT_TRUE(MentionsFieldAtTop(parse(R"(["|", ["name", "=", "a"], ["active", "=", false]])").root(), "active"));
  EXPECT_TRUE(MentionsFieldAtTop(parse(R"(["!", ["active", "=", false]])").root(), "active"));
  EXPECT_FALSE(MentionsFieldAtTop(parse(R"([["child_ids.active", "=", false]])").root(), "active"));
  EXPECT_FALSE(MentionsFieldAtTop(parse("[]").root(), "active"));
}

}  // namespace
}  // namespace citadel::orm
