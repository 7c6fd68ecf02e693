// The property test's oracle (testing/domain_evaluator.hpp) on small,
// hand-made data: its readings of Odoo stated as examples, on raw domains.
#include "orm/testing/domain_evaluator.hpp"

#include <gtest/gtest.h>

#include "orm/testing/domain_evaluator_values.hpp"
#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm::testing {
namespace {

using Ids = std::set<std::int64_t>;

// 1 Acme (not a company, in Belgium), 2 Bob (a company, child of 1, in a
// country without code), 3 Old (archived, child of 2, color 0), 4 unnamed;
// tag 1 "Vip" (archived), tag 2 "Gold" under tag 1; main tags: 1 -> 1, 2 -> 2.
InMemoryDataSet SmallData() {
  InMemoryDataSet data;
  data.Add(TestPartner(), 1,
           {{"name", "Acme"}, {"active", true}, {"color", 3}, {"main_tag_id", 1}, {"is_company", false},
            {"country_id", 1}});
  data.Add(TestPartner(), 2,
           {{"name", "Bob"}, {"active", true}, {"parent_id", 1}, {"main_tag_id", 2}, {"is_company", true},
            {"country_id", 2}});
  data.Add(TestPartner(), 3, {{"name", "Old"}, {"active", false}, {"parent_id", 2}, {"color", 0}});
  data.Add(TestPartner(), 4, {{"active", true}});
  data.Add(TestCategory(), 1, {{"name", "Vip"}, {"active", false}});
  data.Add(TestCategory(), 2, {{"name", "Gold"}, {"active", true}, {"parent_id", 1}});
  data.Add(TestCountry(), 1, {{"name", "Belgium"}, {"code", "BE"}});
  data.Add(TestCountry(), 2, {{"name", "Nowhere"}});
  data.Link(*TestPartner().FindField("category_id"), 1, 1);
  data.Link(*TestPartner().FindField("category_id"), 2, 2);
  return data;
}

Ids Select(const char* json, bool active_test = true) {
  static const InMemoryDataSet data = SmallData();
  return EvaluateDomain(TestPartner(), Value::parse(json), data, active_test);
}

TEST(DomainEvaluatorTest, TheRootHidesArchivedRecordsUnlessTheListNamesActive) {
  EXPECT_EQ(Select(R"([["color", "=", 0]])"), (Ids{2, 4}));
  EXPECT_EQ(Select(R"([["color", "=", 0]])", false), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["active", "in", [true, false]], ["color", "=", 0]])"), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"(["!", ["active", "=", true]])"), Ids{3});
  // Inside an `any` it is the sub-search's business, not the root's.
  EXPECT_EQ(Select(R"([["parent_id", "any", [["active", "in", [true, false]]]]])"), Ids{2});
}

TEST(DomainEvaluatorTest, UnsetNumbersAreZeroAndUnsetStringsEmpty) {
  EXPECT_EQ(Select(R"([["color", "=", false]])", false), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["color", "<", 1]])", false), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["color", "!=", 3]])", false), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["name", "=", false]])", false), (Ids{4}));
  EXPECT_EQ(Select(R"([["name", "!=", "Bob"]])", false), (Ids{1, 3, 4}));
  EXPECT_EQ(Select(R"([["name", "not ilike", "o"]])", false), (Ids{1, 4}));
  EXPECT_EQ(Select(R"([["parent_id", "!=", 1]])", false), (Ids{1, 3, 4}));
}

TEST(DomainEvaluatorTest, LeavesAreNormalisedAsOdooDoes) {
  // "<>" is "!=", also under '!'.
  EXPECT_EQ(Select(R"([["name", "<>", "Bob"]])", false), (Ids{1, 3, 4}));
  EXPECT_EQ(Select(R"(["!", ["name", "<>", "Bob"]])", false), Ids{2});
  // "= [..]" is "in", "!= [..]" "not in" (unset names are not in it).
  EXPECT_EQ(Select(R"([["name", "=", ["Acme", "Bob"]]])", false), (Ids{1, 2}));
  EXPECT_EQ(Select(R"([["name", "!=", ["Acme"]]])", false), (Ids{2, 3, 4}));
  // "in true" is "= true".
  EXPECT_EQ(Select(R"([["is_company", "in", true]])", false), Ids{2});
  // TRUE and FALSE leaves.
  EXPECT_EQ(Select(R"([[0, "=", 1]])", false), Ids{});
  EXPECT_EQ(Select(R"(["|", [0, "=", 1], ["name", "=", "Bob"]])", false), Ids{2});
  EXPECT_EQ(Select(R"(["!", [1, "=", 1]])", false), Ids{});
  // '=?': true with false, '=' otherwise (0 too); negated with a falsy value: FALSE.
  EXPECT_EQ(Select(R"([["color", "=?", false]])", false), (Ids{1, 2, 3, 4}));
  EXPECT_EQ(Select(R"([["color", "=?", 0]])", false), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"(["!", ["color", "=?", 0]])", false), Ids{});
}

TEST(DomainEvaluatorTest, ABooleansNullIsUnsetOnlyButFalseIsFalseOrUnset) {
  EXPECT_EQ(Select(R"([["is_company", "=", false]])", false), (Ids{1, 3, 4}));
  EXPECT_EQ(Select(R"([["is_company", "=", null]])", false), (Ids{3, 4}));
  EXPECT_EQ(Select(R"([["is_company", "!=", null]])", false), (Ids{1, 2}));
}

TEST(DomainEvaluatorTest, DottedPathsAreAnyAndTheirNegationNotAny) {
  EXPECT_EQ(Select(R"([["parent_id.name", "=", "Acme"]])", false), Ids{2});
  EXPECT_EQ(Select(R"(["!", ["parent_id.name", "=", "Acme"]])", false), (Ids{1, 3, 4}));
}

TEST(DomainEvaluatorTest, RelatedFieldsAlsoMatchUnsetLinksWhenTheLeafLooksForUnset) {
  EXPECT_EQ(Select(R"([["country_code", "=", "BE"]])", false), Ids{1});
  EXPECT_EQ(Select(R"([["country_code", "!=", "BE"]])", false), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["country_code", "=", false]])", false), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["country_code", "<", "M"]])", false), Ids{1});
  // '!' negates the leaf's operator first: ">= M", which no unset link has.
  EXPECT_EQ(Select(R"(["!", ["country_code", "<", "M"]])", false), Ids{});
}

TEST(DomainEvaluatorTest, X2manyAnyIgnoresArchivedLinesUnlessItNamesActive) {
  EXPECT_EQ(Select(R"([["child_ids.name", "=", "Old"]])"), Ids{});
  EXPECT_EQ(Select(R"([["child_ids.name", "=", "Old"]])", false), Ids{2});
  EXPECT_EQ(Select(R"([["child_ids", "any", [["active", "=", false]]]])"), Ids{2});
  EXPECT_EQ(Select(R"([["child_ids", "=", false]])"), (Ids{2, 4}));  // 2's only child is archived
  EXPECT_EQ(Select(R"([["category_id", "=", false]])", false), (Ids{3, 4}));  // many2many: every link counts
  EXPECT_EQ(Select(R"([["category_id.name", "=", "Vip"]])"), Ids{});
  // many2one links are followed with active_test off.
  EXPECT_EQ(Select(R"([["active", "in", [true, false]], ["parent_id.name", "=", "Bob"]])"), Ids{3});
}

TEST(DomainEvaluatorTest, AnyLeavesMergedInAnOrShareTheirArchiveFilter) {
  // Merged, the sub-domain names `active`: 2's archived child counts.
  EXPECT_EQ(Select(R"(["|", ["child_ids.active", "=", true], ["child_ids.name", "=", "Old"]])"), (Ids{1, 2}));
  // In an AND they stay apart, and the second one hides archived children.
  EXPECT_EQ(Select(R"([["child_ids.active", "=", true], ["child_ids.name", "=", "Old"]])"), Ids{});
}

TEST(DomainEvaluatorTest, HierarchiesWalkParentsAndOdoosOwnOne2manyWalksUp) {
  EXPECT_EQ(Select(R"([["id", "child_of", 1]])", false), (Ids{1, 2, 3}));
  EXPECT_EQ(Select(R"([["id", "parent_of", 3]])", false), (Ids{1, 2, 3}));
  EXPECT_EQ(Select(R"([["child_ids", "child_of", 3]])", false), (Ids{1, 2, 3}));
  EXPECT_EQ(Select(R"([["child_ids", "parent_of", 2]])", false), (Ids{2, 3}));
  EXPECT_EQ(Select(R"([["parent_id", "child_of", "acme"]])", false), (Ids{1, 2, 3}));
  // many2many: the walk's tags must also be visible (Gold is, Vip is archived).
  EXPECT_EQ(Select(R"([["category_id", "child_of", 1]])"), Ids{2});
  EXPECT_EQ(Select(R"([["category_id", "child_of", 1]])", false), (Ids{1, 2}));
}

TEST(DomainEvaluatorTest, NotAroundChildOfKeepsSqlsUnknownForUnsetLinks) {
  // NOT (main_tag_id IN walk): unknown, so excluded, where main_tag_id is unset...
  EXPECT_EQ(Select(R"(["!", ["main_tag_id", "child_of", 2]])"), Ids{1});
  // ...unless the walk is empty: NULL IN (nothing) is false, its NOT true.
  EXPECT_EQ(Select(R"(["!", ["main_tag_id", "child_of", "no such tag"]])"), (Ids{1, 2, 4}));
}

TEST(DomainEvaluatorTest, WhatItCannotReadIsAnError) {
  EXPECT_THROW(Select(R"(["&", ["name", "=", "x"]])"), std::invalid_argument);
  EXPECT_THROW(Select(R"([["nope", "=", 1]])"), std::invalid_argument);
  EXPECT_THROW(Select(R"([["name", "~", 1]])"), std::invalid_argument);
  EXPECT_THROW(Select(R"([["name.x", "=", 1]])"), std::invalid_argument);
}

TEST(DomainEvaluatorTest, LikeFollowsPostgreSqlWildcardsAndEscapes) {
  using evaluator::LikeMatches;
  EXPECT_TRUE(LikeMatches("a_b", "a\\_b", false));
  EXPECT_FALSE(LikeMatches("axb", "a\\_b", false));
  EXPECT_TRUE(LikeMatches("axb", "a_b", false));
  EXPECT_TRUE(LikeMatches("100%", "%0\\%", false));
  EXPECT_FALSE(LikeMatches("1000", "%0\\%", false));
  EXPECT_TRUE(LikeMatches("ACME", "%cm%", true));
  EXPECT_FALSE(LikeMatches("ACME", "%cm%", false));
  EXPECT_TRUE(LikeMatches("", "%", false));
  EXPECT_FALSE(LikeMatches("", "_", false));
  EXPECT_TRUE(LikeMatches("\xc3\xa9t\xc3\xa9", "_t_", false));  // '_' is one character, not one byte
}

}  // namespace
}  // namespace citadel::orm::testing
