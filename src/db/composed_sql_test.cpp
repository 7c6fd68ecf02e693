#include "db/composed_sql.hpp"

#include <gtest/gtest.h>

namespace citadel::db {
namespace {

Identifier Id(std::string_view name) { return *Identifier::Make(name); }

TEST(ComposedSqlTest, NamesAreQuotedAndValuesBecomePlaceholders) {
  ComposedSql sql("SELECT ");
  sql.Qualified(Id("t0"), Id("order")).Sql(" FROM ").Name(Id("res_partner")).Sql(" AS ").Name(Id("t0"));
  sql.Sql(" WHERE ").Qualified(Id("t0"), Id("name")).Sql(" = ").Value(std::string("x'; DROP--"));
  sql.Sql(" LIMIT ").Integer(80);
  EXPECT_EQ(sql.Text(),
            "SELECT \"t0\".\"order\" FROM \"res_partner\" AS \"t0\" WHERE \"t0\".\"name\" = $1 LIMIT 80");
  ASSERT_EQ(sql.params().size(), 1u);
  EXPECT_EQ(*sql.params()[0], "x'; DROP--");
}

TEST(ComposedSqlTest, AppendRenumbersTheOtherStatementsParameters) {
  ComposedSql inner;
  inner.Name(Id("a")).Sql(" = ").Value(std::string("1")).Sql(" OR ").Name(Id("b")).Sql(" = ").Value(std::nullopt);
  ComposedSql outer;
  outer.Name(Id("c")).Sql(" = ").Value(std::string("0")).Sql(" AND (").Append(inner).Sql(")");
  EXPECT_EQ(outer.Text(), "\"c\" = $1 AND (\"a\" = $2 OR \"b\" = $3)");
  ASSERT_EQ(outer.params().size(), 3u);
  EXPECT_EQ(*outer.params()[1], "1");
  EXPECT_FALSE(outer.params()[2].has_value());
}

TEST(ComposedSqlTest, ManyParametersAreNumberedInOrderOfAppearance) {
  ComposedSql list("IN (");
  for (int i = 0; i < 12; ++i) {
    ComposedSql one;
    one.Value(std::to_string(i));
    if (i > 0) list.Sql(", ");
    list.Append(one);
  }
  list.Sql(")");
  EXPECT_EQ(list.Text(), "IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
  ASSERT_EQ(list.params().size(), 12u);
  EXPECT_EQ(*list.params()[11], "11");
  // A value that looks like a placeholder or holds any byte stays a value.
  ComposedSql odd;
  odd.Value(std::string("$1 \x01 \"x\"")).Sql(" = ").Value(std::string("\x01"));
  EXPECT_EQ(odd.Text(), "$1 = $2");
  EXPECT_EQ(*odd.params()[0], "$1 \x01 \"x\"");
}

TEST(ComposedSqlTest, EmptyUntilSomethingIsAppended) {
  EXPECT_TRUE(ComposedSql().empty());
  EXPECT_FALSE(ComposedSql("").empty());
  ComposedSql appended;
  appended.Append(ComposedSql());
  EXPECT_TRUE(appended.empty());
  appended.Append(ComposedSql(""));
  EXPECT_FALSE(appended.empty());
  EXPECT_EQ(appended.Text(), "");
}

}  // namespace
}  // namespace citadel::db
