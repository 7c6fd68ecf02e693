#include "orm/schema_introspection.hpp"

#include <algorithm>

#include "db/composed_sql.hpp"
#include "db/identifier.hpp"

namespace citadel::orm {
namespace {

// Table names travel as one text[] value. They are registry names (lowercase
// letters, digits, '_'), and are double-quoted inside the array literal all the
// same, so no element could ever be read as two.
std::string ArrayLiteral(const std::vector<std::string>& names) {
  std::string literal = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) literal += ',';
    literal += '"' + names[i] + '"';
  }
  return literal + "}";
}

std::vector<std::string> SplitColumns(std::string_view joined) {
  std::vector<std::string> columns;
  if (joined.empty()) return columns;
  std::size_t start = 0;
  while (true) {
    auto comma = joined.find(',', start);
    columns.emplace_back(
        joined.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return columns;
    start = comma + 1;
  }
}

bool IsTrue(const db::QueryResult& r, int row, std::string_view column) {
  return r.Text(row, column) == "t";
}

ForeignKeyAction ActionOf(std::string_view code) {
  if (code == "r") return ForeignKeyAction::kRestrict;
  if (code == "c") return ForeignKeyAction::kCascade;
  if (code == "n") return ForeignKeyAction::kSetNull;
  if (code == "d") return ForeignKeyAction::kSetDefault;
  return ForeignKeyAction::kNoAction;
}

ExistingConstraint::Kind ConstraintKindOf(std::string_view code) {
  if (code == "p") return ExistingConstraint::Kind::kPrimaryKey;
  if (code == "c") return ExistingConstraint::Kind::kCheck;
  if (code == "x") return ExistingConstraint::Kind::kExclusion;
  return ExistingConstraint::Kind::kUnique;
}

core::Result<void> ReadTables(db::Connection& connection, const std::string& names,
                              ExistingSchema& schema) {
  auto r = connection.Execute(
      "SELECT c.relname, c.relkind FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = current_schema() AND c.relname = ANY($1::name[]) "
      "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
      names);
  if (!r) return core::Unexpected(r.error());
  for (int i = 0; i < r->rows(); ++i) {
    ExistingTable table;
    table.name = r->Text(i, "relname");
    const std::string kind = r->Text(i, "relkind");
    table.is_table = kind == "r" || kind == "p";
    schema.tables.emplace(table.name, std::move(table));
  }
  return {};
}

core::Result<void> ReadColumns(db::Connection& connection, const std::string& names,
                               ExistingSchema& schema) {
  auto r = connection.Execute(
      "SELECT c.relname AS table_name, a.attname AS column_name, t.typname AS udt_name, "
      "CASE WHEN t.typname IN ('varchar', 'bpchar') AND a.atttypmod > 4 THEN a.atttypmod - 4 END "
      "AS max_length, "
      "a.attnotnull AS not_null "
      "FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "WHERE n.nspname = current_schema() AND c.relname = ANY($1::name[]) "
      "AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY c.relname, a.attnum",
      names);
  if (!r) return core::Unexpected(r.error());
  for (int i = 0; i < r->rows(); ++i) {
    auto it = schema.tables.find(r->Text(i, "table_name"));
    if (it == schema.tables.end()) continue;
    ExistingColumn column{r->Text(i, "column_name"), r->Text(i, "udt_name"), std::nullopt,
                          IsTrue(*r, i, "not_null")};
    if (auto length = r->Get(i, "max_length")) column.max_length = std::stoi(std::string(*length));
    it->second.columns.push_back(std::move(column));
  }
  return {};
}

core::Result<void> ReadForeignKeys(db::Connection& connection, const std::string& names,
                                   ExistingSchema& schema) {
  auto r = connection.Execute(
      "SELECT c1.relname AS table_name, con.conname, a1.attname AS column_name, "
      "c2.relname AS referenced_table, a2.attname AS referenced_column, con.confdeltype "
      "FROM pg_catalog.pg_constraint con "
      "JOIN pg_catalog.pg_class c1 ON c1.oid = con.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c1.relnamespace "
      "JOIN pg_catalog.pg_class c2 ON c2.oid = con.confrelid "
      "JOIN pg_catalog.pg_attribute a1 ON a1.attrelid = c1.oid AND a1.attnum = con.conkey[1] "
      "JOIN pg_catalog.pg_attribute a2 ON a2.attrelid = c2.oid AND a2.attnum = con.confkey[1] "
      "WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 "
      "AND n.nspname = current_schema() AND c1.relname = ANY($1::name[]) "
      "ORDER BY c1.relname, con.conname",
      names);
  if (!r) return core::Unexpected(r.error());
  for (int i = 0; i < r->rows(); ++i) {
    auto it = schema.tables.find(r->Text(i, "table_name"));
    if (it == schema.tables.end()) continue;
    it->second.foreign_keys.push_back(
        {r->Text(i, "conname"), r->Text(i, "column_name"), r->Text(i, "referenced_table"),
         r->Text(i, "referenced_column"), ActionOf(r->Text(i, "confdeltype"))});
  }
  return {};
}

core::Result<void> ReadIndexes(db::Connection& connection, const std::string& names,
                               ExistingSchema& schema) {
  auto r = connection.Execute(
      "SELECT t.relname AS table_name, ic.relname AS index_name, i.indisprimary, i.indisunique, "
      "(SELECT string_agg(a.attname, ',' ORDER BY k.position) "
      " FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) "
      " JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns "
      "FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
      "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
      "WHERE n.nspname = current_schema() AND t.relname = ANY($1::name[]) "
      "ORDER BY t.relname, ic.relname",
      names);
  if (!r) return core::Unexpected(r.error());
  for (int i = 0; i < r->rows(); ++i) {
    auto it = schema.tables.find(r->Text(i, "table_name"));
    if (it == schema.tables.end()) continue;
    it->second.indexes.push_back({r->Text(i, "index_name"), SplitColumns(r->Text(i, "columns")),
                                  IsTrue(*r, i, "indisprimary"), IsTrue(*r, i, "indisunique")});
  }
  return {};
}

core::Result<void> ReadConstraints(db::Connection& connection, const std::string& names,
                                   ExistingSchema& schema) {
  auto r = connection.Execute(
      "SELECT t.relname AS table_name, con.conname, con.contype, "
      "(SELECT string_agg(a.attname, ',' ORDER BY k.position) "
      " FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position) "
      " JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns "
      "FROM pg_catalog.pg_constraint con "
      "JOIN pg_catalog.pg_class t ON t.oid = con.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
      "WHERE con.contype IN ('p', 'u', 'c', 'x') "
      "AND n.nspname = current_schema() AND t.relname = ANY($1::name[]) "
      "ORDER BY t.relname, con.conname",
      names);
  if (!r) return core::Unexpected(r.error());
  for (int i = 0; i < r->rows(); ++i) {
    auto it = schema.tables.find(r->Text(i, "table_name"));
    if (it == schema.tables.end()) continue;
    it->second.constraints.push_back({r->Text(i, "conname"),
                                      ConstraintKindOf(r->Text(i, "contype")),
                                      SplitColumns(r->Text(i, "columns"))});
  }
  return {};
}

// One statement for all tables: SELECT $1, EXISTS (SELECT 1 FROM "t1") UNION ALL ...
core::Result<void> ReadHasRows(db::Connection& connection, ExistingSchema& schema) {
  db::ComposedSql query;
  bool first = true;
  for (const auto& [name, table] : schema.tables) {
    if (!table.is_table) continue;
    auto id = db::Identifier::Make(name);
    if (!id) return core::Unexpected(id.error());
    if (!first) query.Sql(" UNION ALL ");
    first = false;
    query.Sql("SELECT ")
        .Value(name)
        .Sql("::text AS table_name, EXISTS (SELECT 1 FROM ")
        .Name(*id)
        .Sql(") AS has_rows");
  }
  if (first) return {};
  auto r = connection.ExecuteComposed(query);
  if (!r) return core::Unexpected(r.error());
  for (int i = 0; i < r->rows(); ++i) {
    auto it = schema.tables.find(r->Text(i, "table_name"));
    if (it != schema.tables.end()) it->second.has_rows = IsTrue(*r, i, "has_rows");
  }
  return {};
}

}  // namespace

const ExistingColumn* ExistingTable::FindColumn(std::string_view column) const {
  auto it = std::find_if(columns.begin(), columns.end(),
                         [&](const ExistingColumn& c) { return c.name == column; });
  return it == columns.end() ? nullptr : &*it;
}

const ExistingConstraint* ExistingTable::FindConstraint(std::string_view constraint) const {
  auto it = std::find_if(constraints.begin(), constraints.end(),
                         [&](const ExistingConstraint& c) { return c.name == constraint; });
  return it == constraints.end() ? nullptr : &*it;
}

const ExistingTable* ExistingSchema::FindTable(std::string_view table) const {
  auto it = tables.find(table);
  return it == tables.end() ? nullptr : &it->second;
}

core::Result<ExistingSchema> IntrospectSchema(db::Connection& connection,
                                              const std::vector<std::string>& table_names) {
  ExistingSchema schema;
  if (table_names.empty()) return schema;
  const std::string names = ArrayLiteral(table_names);
  for (auto read : {ReadTables, ReadColumns, ReadForeignKeys, ReadIndexes, ReadConstraints}) {
    if (auto ok = read(connection, names, schema); !ok) return core::Unexpected(ok.error());
  }
  if (auto ok = ReadHasRows(connection, schema); !ok) return core::Unexpected(ok.error());
  return schema;
}

}  // namespace citadel::orm
