// The SQL of conditions on columns, operator by operator, against Odoo 18's
// BaseModel._condition_to_sql (odoo/models.py), NULL semantics above all.
#include "orm/domain_compiler.hpp"

#include <gtest/gtest.h>

#include "orm/testing/domain_compile_for_test.hpp"

namespace citadel::orm {
namespace {

using testing::CompileForTest;
using testing::Sql;
using Params = std::vector<std::string>;

Params ParamsOf(const char* json) { return CompileForTest(json).params; }

TEST(DomainCompilerTest, EqualityAndInequalityOnStrings) {
  EXPECT_EQ(Sql(R"([["name", "=", "a"]])"), R"(("t0"."name" = $1))");
  EXPECT_EQ(ParamsOf(R"([["name", "=", "a"]])"), Params{"a"});
  // != includes NULL rows.
  EXPECT_EQ(Sql(R"([["name", "!=", "a"]])"), R"((("t0"."name" != $1) OR "t0"."name" IS NULL))");
  EXPECT_EQ(Sql(R"([["name", "<", "m"]])"), R"(("t0"."name" < $1))");
  EXPECT_EQ(Sql(R"([["name", ">=", "m"]])"), R"(("t0"."name" >= $1))");
}

TEST(DomainCompilerTest, FalseIsNullOrTheEmptyValueOfTheType) {
  // char/text/html: '' or NULL
  EXPECT_EQ(Sql(R"([["name", "=", false]])"), R"((("t0"."name" = $1) OR "t0"."name" IS NULL))");
  EXPECT_EQ(ParamsOf(R"([["name", "=", false]])"), Params{""});
  EXPECT_EQ(Sql(R"([["name", "!=", false]])"), R"(("t0"."name" != $1))");
  EXPECT_EQ(Sql(R"([["name", "=", ""]])"), R"((("t0"."name" = $1) OR "t0"."name" IS NULL))");
  // numbers: 0 or NULL
  EXPECT_EQ(Sql(R"([["color", "=", false]])"), R"((("t0"."color" = $1) OR "t0"."color" IS NULL))");
  EXPECT_EQ(ParamsOf(R"([["color", "=", false]])"), Params{"0"});
  EXPECT_EQ(Sql(R"([["color", "!=", false]])"), R"(("t0"."color" != $1))");
  EXPECT_EQ(Sql(R"([["credit", "=", 0]])"), R"((("t0"."credit" = $1) OR "t0"."credit" IS NULL))");
  // booleans: false or NULL
  EXPECT_EQ(Sql(R"([["is_company", "=", false]])"), R"(("t0"."is_company" IS NULL OR "t0"."is_company" = FALSE))");
  EXPECT_EQ(Sql(R"([["is_company", "!=", false]])"), R"(("t0"."is_company" = TRUE))");
  EXPECT_EQ(Sql(R"([["is_company", "=", true]])"), R"(("t0"."is_company" = TRUE))");
  EXPECT_EQ(Sql(R"([["is_company", "!=", true]])"), R"(("t0"."is_company" IS NULL OR "t0"."is_company" = FALSE))");
  EXPECT_EQ(Sql(R"([["is_company", "=", 1]])"), R"(("t0"."is_company" = TRUE))");
  // everything else: IS NULL
  EXPECT_EQ(Sql(R"([["birthday", "=", false]])"), R"(("t0"."birthday" IS NULL))");
  EXPECT_EQ(Sql(R"([["last_seen", "!=", false]])"), R"(("t0"."last_seen" IS NOT NULL))");
  EXPECT_EQ(Sql(R"([["kind", "=", false]])"), R"(("t0"."kind" IS NULL))");
  EXPECT_EQ(Sql(R"([["parent_id", "=", false]])"), R"(("t0"."parent_id" IS NULL))");
  EXPECT_EQ(Sql(R"([["parent_id", "=", 0]])"), R"(("t0"."parent_id" IS NULL))");
  EXPECT_EQ(Sql(R"([["id", "!=", false]])"), R"(("t0"."id" IS NOT NULL))");
}

TEST(DomainCompilerTest, NumbersCountNullAsZeroInInequalities) {
  EXPECT_EQ(Sql(R"([["color", "<", 3]])"), R"((("t0"."color" < $1) OR "t0"."color" IS NULL))");
  EXPECT_EQ(Sql(R"([["color", "<", 0]])"), R"(("t0"."color" < $1))");
  EXPECT_EQ(Sql(R"([["color", ">", -1]])"), R"((("t0"."color" > $1) OR "t0"."color" IS NULL))");
  EXPECT_EQ(Sql(R"([["color", ">=", 0]])"), R"((("t0"."color" >= $1) OR "t0"."color" IS NULL))");
  EXPECT_EQ(Sql(R"([["color", "<=", -2]])"), R"(("t0"."color" <= $1))");
  EXPECT_EQ(Sql(R"([["credit", ">", 0.5]])"), R"(("t0"."credit" > $1))");
  // ids are not numbers in that sense, nor are dates.
  EXPECT_EQ(Sql(R"([["id", "<", 3]])"), R"(("t0"."id" < $1))");
  EXPECT_EQ(Sql(R"([["birthday", "<", "2000-01-01"]])"), R"(("t0"."birthday" < $1))");
}

TEST(DomainCompilerTest, InAndNotInWithFalseEmptyValuesAndEmptyLists) {
  EXPECT_EQ(Sql(R"([["color", "in", [1, 2]]])"), R"(("t0"."color" = ANY($1)))");
  EXPECT_EQ(ParamsOf(R"([["color", "in", [1, 2]]])"), Params{R"({"1","2"})"});
  EXPECT_EQ(Sql(R"([["color", "in", [1, false]]])"), R"((("t0"."color" = ANY($1)) OR "t0"."color" IS NULL))");
  EXPECT_EQ(ParamsOf(R"([["color", "in", [1, false]]])"), Params{R"({"1","0"})"});
  EXPECT_EQ(Sql(R"([["color", "not in", [1]]])"), R"((("t0"."color" <> $1) OR "t0"."color" IS NULL))");
  EXPECT_EQ(Sql(R"([["color", "not in", [0]]])"), R"((("t0"."color" <> $1) AND "t0"."color" IS NOT NULL))");
  EXPECT_EQ(Sql(R"([["name", "in", ["a", false]]])"), R"((("t0"."name" = ANY($1)) OR "t0"."name" IS NULL))");
  EXPECT_EQ(ParamsOf(R"([["name", "in", ["a", false]]])"), Params{R"({"a",""})"});
  EXPECT_EQ(Sql(R"([["is_company", "in", [false]]])"),
            R"((("t0"."is_company" = $1) OR "t0"."is_company" IS NULL))");
  EXPECT_EQ(ParamsOf(R"([["is_company", "in", [false]]])"), Params{"false"});
  EXPECT_EQ(Sql(R"([["is_company", "in", [0]]])"), "FALSE");  // Odoo: any([0]) is false, 0 is no False
  EXPECT_EQ(Sql(R"([["kind", "in", [false]]])"), R"(("t0"."kind" IS NULL))");
  EXPECT_EQ(Sql(R"([["parent_id", "not in", [false]]])"), R"(("t0"."parent_id" IS NOT NULL))");
  EXPECT_EQ(Sql(R"([["parent_id", "not in", [3, false]]])"),
            R"((("t0"."parent_id" <> $1) AND "t0"."parent_id" IS NOT NULL))");
  EXPECT_EQ(Sql(R"([["id", "in", []]])"), "FALSE");
  EXPECT_EQ(Sql(R"([["id", "not in", []]])"), "TRUE");
  EXPECT_EQ(ParamsOf(R"([["birthday", "in", ["2024-01-01 10:00:00"]]])"), Params{"2024-01-01"});
  // One value is `=` / `<>`: a prepared statement keeps its generic plan
  // (crud_sql.hpp, EqualsAnyOf).
  EXPECT_EQ(Sql(R"([["id", "in", [7]]])"), R"(("t0"."id" = $1))");
  EXPECT_EQ(ParamsOf(R"([["id", "in", [7]]])"), Params{"7"});
  EXPECT_EQ(Sql(R"([["name", "not in", ["a\"b"]]])"), R"((("t0"."name" <> $1) OR "t0"."name" IS NULL))");
  EXPECT_EQ(ParamsOf(R"([["name", "not in", ["a\"b"]]])"), Params{"a\"b"}) << "the value itself, not an array's text";
}

TEST(DomainCompilerTest, LikeWrapsTheValueWithoutEscapingAndEmptyMatchesAll) {
  EXPECT_EQ(Sql(R"([["name", "like", "a%b_"]])"), R"(("t0"."name" LIKE $1))");
  EXPECT_EQ(ParamsOf(R"([["name", "like", "a%b_"]])"), Params{"%a%b_%"});
  EXPECT_EQ(Sql(R"([["name", "ilike", "x"]])"), R"(("t0"."name" ILIKE $1))");
  EXPECT_EQ(Sql(R"([["name", "not ilike", "x"]])"), R"((("t0"."name" NOT ILIKE $1) OR "t0"."name" IS NULL))");
  EXPECT_EQ(Sql(R"([["comment", "not like", "x"]])"), R"((("t0"."comment" NOT LIKE $1) OR "t0"."comment" IS NULL))");
  EXPECT_EQ(Sql(R"([["name", "ilike", ""]])"), "TRUE");
  EXPECT_EQ(Sql(R"([["name", "like", false]])"), "TRUE");
  EXPECT_EQ(Sql(R"([["name", "not ilike", ""]])"), "FALSE");
  // Not a string column: cast to text.
  EXPECT_EQ(Sql(R"([["color", "like", "1"]])"), R"((("t0"."color")::text LIKE $1))");
  EXPECT_EQ(Sql(R"([["kind", "=ilike", "COMP%"]])"), R"((("t0"."kind")::text ILIKE $1))");
  // =like is the pattern itself; an empty one also matches NULL.
  EXPECT_EQ(Sql(R"([["name", "=like", "a_"]])"), R"(("t0"."name" LIKE $1))");
  EXPECT_EQ(ParamsOf(R"([["name", "=like", "a_"]])"), Params{"a_"});
  EXPECT_EQ(Sql(R"([["name", "=ilike", ""]])"), R"((("t0"."name" ILIKE $1) OR "t0"."name" IS NULL))");
}

TEST(DomainCompilerTest, EqualOrTrueIsTrueForFalseAndEqualOtherwise) {
  EXPECT_EQ(Sql(R"([["name", "=?", false]])"), "TRUE");
  EXPECT_EQ(Sql(R"([["name", "=?", null]])"), "TRUE");
  EXPECT_EQ(Sql(R"([["name", "=?", "a"]])"), R"(("t0"."name" = $1))");
  EXPECT_EQ(Sql(R"([["color", "=?", 0]])"), R"((("t0"."color" = $1) OR "t0"."color" IS NULL))");
  EXPECT_EQ(Sql(R"([["parent_id", "=?", 4]])"), R"(("t0"."parent_id" = $1))");
}

TEST(DomainCompilerTest, ValuesAreBoundAsPostgreSqlText) {
  EXPECT_EQ(ParamsOf(R"([["credit", "=", 0.1]])"), Params{"0.1"});
  EXPECT_EQ(ParamsOf(R"([["credit", "=", -2]])"), Params{"-2"});
  EXPECT_EQ(ParamsOf(R"([["weight", "=", 1.005]])"), Params{"1.01"});  // Odoo rounds to the digits, half up
  EXPECT_EQ(ParamsOf(R"([["weight", "=", -0.004]])"), Params{"0.00"});
  EXPECT_EQ(ParamsOf(R"([["weight", "=", 9.999]])"), Params{"10.00"});
  EXPECT_EQ(ParamsOf(R"([["last_seen", "<", "2024-01-01"]])"), Params{"2024-01-01 00:00:00"});
  EXPECT_EQ(ParamsOf(R"([["name", "in", ["a\"b", "c\\d", "e,f}"]]])"), Params{R"({"a\"b","c\\d","e,f}"})"});
}

TEST(DomainCompilerTest, OperatorsCombineAsOdooNegatesThem) {
  EXPECT_EQ(Sql(R"(["|", ["name", "=", "a"], "!", ["color", "<", 3]])"),
            R"((("t0"."name" = $1) OR ("t0"."color" >= $2)))");
  EXPECT_EQ(Sql(R"([["name", "=", "a"], ["color", "=", 1]])"), R"((("t0"."name" = $1) AND ("t0"."color" = $2)))");
  EXPECT_EQ(Sql(R"(["!", ["name", "=like", "a%"]])"), R"((NOT ("t0"."name" LIKE $1)))");
  EXPECT_EQ(Sql("[]"), "TRUE");
  EXPECT_EQ(Sql(R"([[0, "=", 1]])"), "FALSE");
}

}  // namespace
}  // namespace citadel::orm
