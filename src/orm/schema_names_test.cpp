// Names as Odoo makes them, the SQL constraint grammar, and column types.
#include "orm/schema_names.hpp"

#include <gtest/gtest.h>

#include "orm/schema_column_type.hpp"

namespace citadel::orm {
namespace {

TEST(SchemaNamesTest, ShortNamesAreKeptAndLongOnesHashedAsOdooDoes) {
  EXPECT_EQ(IndexNameOf("res_partner", "name"), "res_partner__name_index");
  EXPECT_EQ(SqlConstraintNameOf("res_users", "login_key"), "res_users_login_key");
  // Expected value from Python: make_identifier(...) in odoo/tools/sql.py,
  // i.e. name[:54] + "_" + "%08x" % zlib.crc32(name).
  const std::string table = "res_partner_autocomplete_sync_with_a_rather_long_table_name";
  const std::string name = IndexNameOf(table, "commercial_company_name");
  EXPECT_EQ(name, "res_partner_autocomplete_sync_with_a_rather_long_table_43fb722e");
  EXPECT_EQ(name.size(), kMaxPostgresNameLength);
  EXPECT_EQ(PostgresName(std::string(63, 'a')), std::string(63, 'a'));
}

TEST(SchemaNamesTest, UniqueConstraintsParseWithOdoosSpellings) {
  for (const char* text :
       {"unique(name)", "UNIQUE (name)", "  unique ( name )  ", "Unique(Name)"}) {
    auto parsed = ParseSqlConstraint(text);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->kind, ParsedSqlConstraint::Kind::kUnique);
    EXPECT_EQ(parsed->columns, std::vector<std::string>{"name"}) << text;
  }
  auto several = ParseSqlConstraint("unique (name,currency_id, company_id)");
  ASSERT_TRUE(several);
  EXPECT_EQ(several->columns, (std::vector<std::string>{"name", "currency_id", "company_id"}));
}

TEST(SchemaNamesTest, CheckIsRecognisedAndEverythingElseRefused) {
  auto check = ParseSqlConstraint("CHECK(rounding > 0)");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->kind, ParsedSqlConstraint::Kind::kCheck);
  for (const char* bad :
       {"", "unique", "unique()", "unique(name", "unique name", "unique(name) where x",
        "unique(a, a)", "unique(a,)", "unique(\"name\")", "unique(name); drop table x",
        "uniquely(name)", "foreign key (x) references y", "exclude using gist (x with &&)",
        "unique(na me)", "unique(1name)"}) {
    EXPECT_FALSE(ParseSqlConstraint(bad)) << bad;
  }
}

TEST(SchemaColumnTypeTest, WideningsAreSafeAndNarrowingsKept) {
  const ColumnType varchar32{ColumnKind::kVarchar, 32};
  const ColumnType varchar{ColumnKind::kVarchar, std::nullopt};
  const ColumnType text{ColumnKind::kText, std::nullopt};
  EXPECT_EQ(CompareColumnType("varchar", 32, varchar32), ColumnTypeFit::kSame);
  EXPECT_EQ(CompareColumnType("varchar", 16, varchar32), ColumnTypeFit::kSafeWidening);
  EXPECT_EQ(CompareColumnType("varchar", 16, varchar), ColumnTypeFit::kSafeWidening);
  EXPECT_EQ(CompareColumnType("varchar", 16, text), ColumnTypeFit::kSafeWidening);
  EXPECT_EQ(CompareColumnType("varchar", std::nullopt, text), ColumnTypeFit::kSafeWidening);
  EXPECT_EQ(CompareColumnType("varchar", 64, varchar32), ColumnTypeFit::kWiderAlready);
  EXPECT_EQ(CompareColumnType("varchar", std::nullopt, varchar32), ColumnTypeFit::kWiderAlready);
  EXPECT_EQ(CompareColumnType("text", std::nullopt, varchar32), ColumnTypeFit::kWiderAlready);
  EXPECT_EQ(CompareColumnType("int4", std::nullopt, varchar), ColumnTypeFit::kIncompatible);
  EXPECT_EQ(CompareColumnType("float8", std::nullopt, {ColumnKind::kNumeric, std::nullopt}),
            ColumnTypeFit::kIncompatible);
  EXPECT_EQ(CompareColumnType("int4", std::nullopt, {ColumnKind::kInt4, std::nullopt}),
            ColumnTypeFit::kSame);
  EXPECT_EQ(CompareColumnType("text", std::nullopt, {ColumnKind::kInt4, std::nullopt}),
            ColumnTypeFit::kIncompatible);
  EXPECT_EQ(Describe(varchar32), "varchar(32)");
  EXPECT_EQ(Describe({ColumnKind::kTimestamp, std::nullopt}), "timestamp");
}

}  // namespace
}  // namespace citadel::orm
