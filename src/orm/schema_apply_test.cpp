// The DDL each planned change becomes: fixed text, quoted registry names,
// the one value bound.
#include "orm/schema_apply.hpp"

#include <gtest/gtest.h>

namespace citadel::orm {
namespace {

std::vector<std::string> Texts(const SchemaChange& change) {
  auto statements = ComposeChange(change);
  EXPECT_TRUE(statements) << statements.error().message;
  std::vector<std::string> texts;
  if (statements) {
    for (const auto& s : *statements) {
      EXPECT_TRUE(s.params().empty() || std::holds_alternative<FillColumn>(change));
      texts.push_back(s.Text());
    }
  }
  return texts;
}

WantedColumn Column(std::string name, ColumnType type, bool not_null = false) {
  WantedColumn c;
  c.name = std::move(name);
  c.type = type;
  c.not_null = not_null;
  return c;
}

TEST(SchemaApplyTest, CreateTableIsOdoosSerialPrimaryKeyAndTypedColumns) {
  CreateTable create{"res_partner",
                     {Column("user_id", {ColumnKind::kInt4, std::nullopt}, true),
                      Column("ref", {ColumnKind::kVarchar, 16}),
                      Column("name", {ColumnKind::kVarchar, std::nullopt}),
                      Column("comment", {ColumnKind::kText, std::nullopt}),
                      Column("amount", {ColumnKind::kNumeric, std::nullopt}),
                      Column("active", {ColumnKind::kBool, std::nullopt}),
                      Column("birthday", {ColumnKind::kDate, std::nullopt}),
                      Column("seen", {ColumnKind::kTimestamp, std::nullopt}),
                      Column("latitude", {ColumnKind::kFloat8, std::nullopt})}};
  EXPECT_EQ(
      Texts(create),
      std::vector<std::string>{
          "CREATE TABLE \"res_partner\" (\"id\" SERIAL NOT NULL, \"user_id\" INTEGER NOT NULL, "
          "\"ref\" VARCHAR(16), \"name\" VARCHAR, \"comment\" TEXT, \"amount\" NUMERIC, \"active\" "
          "BOOLEAN, "
          "\"birthday\" DATE, \"seen\" TIMESTAMP, \"latitude\" DOUBLE PRECISION, PRIMARY KEY "
          "(\"id\"))"});
}

TEST(SchemaApplyTest, ColumnChanges) {
  EXPECT_EQ(Texts(AddColumn{"res_partner", "code", {ColumnKind::kVarchar, 8}, true}),
            std::vector<std::string>{
                "ALTER TABLE \"res_partner\" ADD COLUMN \"code\" VARCHAR(8) NOT NULL"});
  EXPECT_EQ(Texts(WidenColumn{"res_partner", "ref", {ColumnKind::kText, std::nullopt}}),
            std::vector<std::string>{"ALTER TABLE \"res_partner\" ALTER COLUMN \"ref\" TYPE TEXT"});
  EXPECT_EQ(
      Texts(SetNotNull{"res_partner", "name"}),
      std::vector<std::string>{"ALTER TABLE \"res_partner\" ALTER COLUMN \"name\" SET NOT NULL"});
  EXPECT_EQ(
      Texts(DropNotNull{"res_partner", "old"}),
      std::vector<std::string>{"ALTER TABLE \"res_partner\" ALTER COLUMN \"old\" DROP NOT NULL"});
}

TEST(SchemaApplyTest, FillBindsTheDefault) {
  auto statements = ComposeChange(FillColumn{"res_partner", "kind", "it's'); DROP TABLE x; --"});
  ASSERT_TRUE(statements);
  ASSERT_EQ(statements->size(), 1u);
  EXPECT_EQ((*statements)[0].Text(),
            "UPDATE \"res_partner\" SET \"kind\" = $1 WHERE \"kind\" IS NULL");
  ASSERT_EQ((*statements)[0].params().size(), 1u);
  EXPECT_EQ((*statements)[0].params()[0], "it's'); DROP TABLE x; --");
}

TEST(SchemaApplyTest, LinkTableForeignKeysIndexesAndConstraints) {
  EXPECT_EQ(Texts(CreateLinkTable{"a_b_rel", "a_id", "b_id"}),
            std::vector<std::string>{
                "CREATE TABLE \"a_b_rel\" (\"a_id\" INTEGER NOT NULL, \"b_id\" INTEGER NOT "
                "NULL, PRIMARY KEY (\"a_id\", \"b_id\"))"});
  EXPECT_EQ(Texts(AddForeignKey{"res_partner", "parent_id", "res_partner", OnDelete::kCascade, ""}),
            std::vector<std::string>{
                "ALTER TABLE \"res_partner\" ADD FOREIGN KEY (\"parent_id\") REFERENCES "
                "\"res_partner\" (\"id\") ON DELETE CASCADE"});
  EXPECT_EQ(Texts(AddForeignKey{"t", "c", "u", OnDelete::kRestrict, "t_c_fkey"}),
            (std::vector<std::string>{
                "ALTER TABLE \"t\" DROP CONSTRAINT \"t_c_fkey\"",
                "ALTER TABLE \"t\" ADD FOREIGN KEY (\"c\") REFERENCES \"u\" (\"id\") ON DELETE "
                "RESTRICT"}));
  EXPECT_EQ(
      Texts(AddForeignKey{"t", "c", "u", OnDelete::kSetNull, ""}).back(),
      "ALTER TABLE \"t\" ADD FOREIGN KEY (\"c\") REFERENCES \"u\" (\"id\") ON DELETE SET NULL");
  EXPECT_EQ(Texts(CreateIndex{"res_partner__name_index", "res_partner", {"name"}}),
            std::vector<std::string>{
                "CREATE INDEX \"res_partner__name_index\" ON \"res_partner\" (\"name\")"});
  EXPECT_EQ(Texts(CreateIndex{"", "a_b_rel", {"b_id", "a_id"}}),
            std::vector<std::string>{"CREATE INDEX ON \"a_b_rel\" (\"b_id\", \"a_id\")"});
  EXPECT_EQ(Texts(AddUniqueConstraint{"t", "t_name_uniq", {"name", "company_id"}, true}),
            (std::vector<std::string>{
                "ALTER TABLE \"t\" DROP CONSTRAINT \"t_name_uniq\"",
                "ALTER TABLE \"t\" ADD CONSTRAINT \"t_name_uniq\" UNIQUE (\"name\", "
                "\"company_id\")"}));
}

TEST(SchemaApplyTest, NamesThatAreNoIdentifiersAreRefused) {
  for (const SchemaChange& change :
       {SchemaChange{SetNotNull{"res_partner", "Name"}}, SchemaChange{DropNotNull{"pg_class", "x"}},
        SchemaChange{CreateIndex{"", "t", {"a\"; DROP TABLE t; --"}}},
        SchemaChange{AddForeignKey{"t", "c", "u", OnDelete::kCascade, "weird name"}}}) {
    EXPECT_FALSE(ComposeChange(change));
  }
}

TEST(SchemaApplyTest, ModelInitRunsItsOwnStatementsAsWritten) {
  RunModelInit init{"x_secret", {"CREATE TABLE IF NOT EXISTS x_secret (id serial primary key)",
                                 "CREATE INDEX IF NOT EXISTS x_secret_idx ON x_secret (id)"}};
  EXPECT_EQ(Texts(init), (std::vector<std::string>{"CREATE TABLE IF NOT EXISTS x_secret (id serial primary key)",
                                                   "CREATE INDEX IF NOT EXISTS x_secret_idx ON x_secret (id)"}));
}

}  // namespace
}  // namespace citadel::orm
