// SqlText and Identifier: what may become SQL text.
#include "db/identifier.hpp"
#include "db/sql_text.hpp"

#include <type_traits>

#include <gtest/gtest.h>

#include "db/error.hpp"

namespace citadel::db {
namespace {

TEST(SqlText, IsMadeFromLiteralsOnly) {
  constexpr SqlText sql = "SELECT $1";
  EXPECT_EQ(sql.view(), "SELECT $1");
  // A run-time string cannot become SQL text: the consteval constructor
  // rejects anything not known at compile time, and there is no other.
  static_assert(!std::is_constructible_v<SqlText, std::string>);
  static_assert(!std::is_constructible_v<SqlText, std::string_view>);
  static_assert(!std::is_default_constructible_v<SqlText>);
}

TEST(Identifier, AcceptsStrictNames) {
  for (const char* name : {"t_abc123", "citadel_catalog", "_x", "a"}) {
    EXPECT_TRUE(Identifier::Make(name).has_value()) << name;
  }
  EXPECT_TRUE(Identifier::Make(std::string(63, 'a')).has_value());
}

TEST(Identifier, RefusesAnythingElse) {
  for (const char* name : {"", "1abc", "Abc", "a-b", "a b", "a\"b", "a;drop", "pg_authid", "é",
                           "a\nb", "x'y"}) {
    auto id = Identifier::Make(name);
    EXPECT_FALSE(id.has_value()) << name;
    if (!id) {
      EXPECT_EQ(id.error().code, core::ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_FALSE(Identifier::Make(std::string(64, 'a')).has_value());
  EXPECT_FALSE(Identifier::Make(std::string_view("a\0b", 3)).has_value());
}

TEST(SqlState, RoundTripsThroughTheMessage) {
  auto e = ErrorFromSqlState("40001", "could not serialize access\n");
  EXPECT_EQ(SqlStateOf(e), "40001");
  EXPECT_TRUE(IsRetryableTransactionError(e));
  EXPECT_EQ(e.message, "SQLSTATE 40001: could not serialize access");
  EXPECT_EQ(SqlStateOf(core::Error{core::ErrorCode::kInternal, "plain"}), "");
  EXPECT_EQ(ErrorFromSqlState("23505", "dup").code, core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(ErrorFromSqlState("08006", "gone").code, core::ErrorCode::kUnavailable);
  EXPECT_TRUE(IsConnectionLoss(ErrorFromSqlState("57P01", "terminating")));
  EXPECT_EQ(ErrorFromSqlState("53300", "too many").code, core::ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace citadel::db
