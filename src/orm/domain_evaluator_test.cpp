// The property test's oracle (testing/domain_evaluator.hpp) on small,
// hand-made data: its readings of Odoo stated as examples.
#include "orm/testing/domain_evaluator.hpp"

#include <gtest/gtest.h>

#include "orm/testing/domain_evaluator_values.hpp"
#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm::testing {
namespace {

using Ids = std::set<std::int64_t>;

// 1 Acme, 2 Bob (child of 1), 3 Old (archived, child of 2), 4 unnamed;
// tag 1 "Vip" (archived), tag 2 "Gold" under tag 1; main tags: 1 -> 1, 2 -> 2.
InMemoryDataSet SmallData() {
  InMemoryDataSet data;
  data.Add(TestPartner(), 1, {{"name", "Acme"}, {"active", true}, {"color", 3}, {"main_tag_id", 1}});
  data.Add(TestPartner(), 2, {{"name", "Bob"}, {"active", true}, {"parent_id", 1}, {"main_tag_id", 2}});
  data.Add(TestPartner(), 3, {{"name", "Old"}, {"active", false}, {"parent_id", 2}, {"color", 0}});
  data.Add(TestPartner(), 4, {{"active", true}});
  data.Add(TestCategory(), 1, {{"name", "Vip"}, {"active", false}});
  data.Add(TestCategory(), 2, {{"name", "Gold"}, {"active", true}, {"parent_id", 1}});
  data.Link(*TestPartner().FindField("category_id"), 1, 1);
  data.Link(*TestPartner().FindField("category_id"), 2, 2);
  return data;
}

Ids Select(const char* json, bool active_test = true) {
  static const InMemoryDataSet data = SmallData();
  return EvaluateDomain(Domain::Parse(TestPartner(), Value::parse(json)), data, active_test);
}

TEST(DomainEvaluatorTest, UnsetNumbersAreZeroAndUnsetStringsEmpty) {
  EXPECT_EQ(Select(R"([["color", "=", false]])"), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["color", "<", 1]])"), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["color", "!=", 3]])"), (Ids{2, 3, 4}));
  EXPECT_EQ(Select(R"([["name", "=", false]])"), (Ids{4}));
  EXPECT_EQ(Select(R"([["name", "!=", "Bob"]])"), (Ids{1, 3, 4}));
  EXPECT_EQ(Select(R"([["name", "not ilike", "o"]])"), (Ids{1, 4}));
  EXPECT_EQ(Select(R"([["parent_id", "!=", 1]])"), (Ids{1, 3, 4}));
}

TEST(DomainEvaluatorTest, X2manyAnyIgnoresArchivedLinesUnlessItNamesActive) {
  EXPECT_EQ(Select(R"([["child_ids.name", "=", "Old"]])"), Ids{});
  EXPECT_EQ(Select(R"([["child_ids.name", "=", "Old"]])", false), Ids{2});
  EXPECT_EQ(Select(R"([["child_ids", "any", [["active", "=", false]]]])"), Ids{2});
  EXPECT_EQ(Select(R"([["child_ids", "=", false]])"), (Ids{2, 3, 4}));  // 2's only child is archived
  EXPECT_EQ(Select(R"([["category_id", "=", false]])"), (Ids{3, 4}));   // many2many: every link counts
  EXPECT_EQ(Select(R"([["category_id.name", "=", "Vip"]])"), Ids{});
  // many2one links are followed with active_test off.
  EXPECT_EQ(Select(R"([["parent_id.name", "=", "Bob"]])"), Ids{3});
}

TEST(DomainEvaluatorTest, HierarchiesWalkParentsAndOdoosOwnOne2manyWalksUp) {
  EXPECT_EQ(Select(R"([["id", "child_of", 1]])"), (Ids{1, 2, 3}));
  EXPECT_EQ(Select(R"([["id", "parent_of", 3]])"), (Ids{1, 2, 3}));
  EXPECT_EQ(Select(R"([["child_ids", "child_of", 3]])"), (Ids{1, 2, 3}));
  EXPECT_EQ(Select(R"([["child_ids", "parent_of", 2]])"), (Ids{2, 3}));
  EXPECT_EQ(Select(R"([["parent_id", "child_of", "acme"]])"), (Ids{1, 2, 3}));
  // many2many: the walk's tags must also be visible (Gold is, Vip is archived).
  EXPECT_EQ(Select(R"([["category_id", "child_of", 1]])"), Ids{2});
  EXPECT_EQ(Select(R"([["category_id", "child_of", 1]])", false), (Ids{1, 2}));
}

TEST(DomainEvaluatorTest, NotAroundChildOfKeepsSqlsUnknownForUnsetLinks) {
  // NOT (main_tag_id IN walk): unknown, so excluded, where main_tag_id is unset...
  EXPECT_EQ(Select(R"(["!", ["main_tag_id", "child_of", 2]])"), Ids{1});
  // ...unless the walk is empty: NULL IN (nothing) is false, its NOT true.
  EXPECT_EQ(Select(R"(["!", ["main_tag_id", "child_of", "no such tag"]])"), (Ids{1, 2, 3, 4}));
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
