// RuleSqlMemo alone: an entry is found only for the registry and the user it
// was made with, and the memo stops growing at its bound.
#include "orm/rule_sql_memo.hpp"

#include <gtest/gtest.h>

#include "orm/security_cache.hpp"

namespace citadel::orm {
namespace {

std::shared_ptr<const UserSecurity> User(std::int64_t uid) {
  auto user = std::make_shared<UserSecurity>();
  user->uid = uid;
  return user;
}

TEST(RuleSqlMemo, FoundOnlyForItsOwnUser) {
  RuleSqlMemo memo;
  auto user = User(7);
  auto namesake = User(7);
  memo.Remember("k", {nullptr, user, db::ComposedSql("TRUE")});
  auto found = memo.Find("k", nullptr, user.get());
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->sql);
  EXPECT_EQ(found->sql->Text(), "TRUE");
  EXPECT_FALSE(memo.Find("k", nullptr, namesake.get())) << "another object, even for the same uid";
  EXPECT_FALSE(memo.Find("other", nullptr, user.get()));
  memo.Remember("none", {nullptr, user, std::nullopt});
  auto none = memo.Find("none", nullptr, user.get());
  ASSERT_TRUE(none) << "no rule applies is an answer too";
  EXPECT_FALSE(none->sql);
}

TEST(RuleSqlMemo, Bounded) {
  RuleSqlMemo memo;
  auto user = User(1);
  for (std::size_t i = 0; i <= RuleSqlMemo::kMaxEntries; ++i) {
    memo.Remember(std::to_string(i), {nullptr, user, std::nullopt});
  }
  EXPECT_EQ(memo.size(), RuleSqlMemo::kMaxEntries);
  EXPECT_FALSE(memo.Find(std::to_string(RuleSqlMemo::kMaxEntries), nullptr, user.get()));
  memo.Remember("0", {nullptr, user, db::ComposedSql("FALSE")});
  EXPECT_EQ(memo.Find("0", nullptr, user.get())->sql->Text(), "FALSE") << "a kept key may be replaced";
}

}  // namespace
}  // namespace citadel::orm
