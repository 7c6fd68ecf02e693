#include "orm/company_tree.hpp"

#include <gtest/gtest.h>

namespace citadel::orm {
namespace {

using Ids = std::vector<std::int64_t>;

// 1 <- 2 <- 3, 1 <- 4; 5 alone.
CompanyTree Sample() { return CompanyTree({{1, 0}, {2, 1}, {3, 2}, {4, 1}, {5, 0}}); }

TEST(CompanyTree, ParentOfWalksUpToTheRoot) {
  EXPECT_EQ(Sample().Walk(Ids{3}, false), (Ids{1, 2, 3}));
  EXPECT_EQ(Sample().Walk(Ids{3, 4}, false), (Ids{1, 2, 3, 4}));
  EXPECT_EQ(Sample().Walk(Ids{5}, false), (Ids{5}));
}

TEST(CompanyTree, ChildOfWalksDownEveryBranch) {
  EXPECT_EQ(Sample().Walk(Ids{1}, true), (Ids{1, 2, 3, 4}));
  EXPECT_EQ(Sample().Walk(Ids{2}, true), (Ids{2, 3}));
  EXPECT_EQ(Sample().Walk(Ids{3}, true), (Ids{3}));
}

TEST(CompanyTree, IdsThatAreNoCompanyStartNothing) {
  EXPECT_EQ(Sample().Walk(Ids{0, 99}, false), Ids{});
  EXPECT_EQ(Sample().Walk(Ids{0, 99}, true), Ids{});
  EXPECT_EQ(Sample().Walk(Ids{}, true), Ids{});
  EXPECT_EQ(Sample().Walk(Ids{99, 2}, false), (Ids{1, 2}));
}

TEST(CompanyTree, ACycleEndsTheWalk) {
  const CompanyTree cycle({{1, 3}, {2, 1}, {3, 2}});
  EXPECT_EQ(cycle.Walk(Ids{1}, false), (Ids{1, 2, 3}));
  EXPECT_EQ(cycle.Walk(Ids{1}, true), (Ids{1, 2, 3}));
}

}  // namespace
}  // namespace citadel::orm
