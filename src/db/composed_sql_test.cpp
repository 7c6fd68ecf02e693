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

}  // namespace
}  // namespace citadel::db
