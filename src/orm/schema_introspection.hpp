// ExistingSchema: what a database has for a set of tables, read from
// pg_catalog (Odoo reads the same catalogs, avoiding information_schema's
// slow views for keys): each table's kind, whether it has rows, its columns
// (type name, varchar length, NOT NULL), its single-column foreign keys, its
// indexes and its unique/check/primary-key constraints.
//
// Plain data, so the planner's tests describe a database by hand. The reading
// side (IntrospectSchema) uses fixed statements with the table names bound as
// one text[] parameter, in the connection's current schema.
//
// The connection is borrowed for the call and used by one thread; the result
// is a value.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::orm {

// pg_constraint.confdeltype.
enum class ForeignKeyAction { kNoAction, kRestrict, kCascade, kSetNull, kSetDefault };

struct ExistingColumn {
  std::string name;
  std::string udt_name;           // pg_type.typname: "varchar", "int4", "timestamp"...
  std::optional<int> max_length;  // varchar(n): n
  bool not_null = false;
};

struct ExistingForeignKey {
  std::string name;
  std::string column;
  std::string referenced_table;
  std::string referenced_column;
  ForeignKeyAction on_delete = ForeignKeyAction::kNoAction;
};

struct ExistingIndex {
  std::string name;
  std::vector<std::string> columns;  // key columns in order; expressions are left out
  bool primary = false;
  bool unique = false;
};

struct ExistingConstraint {
  enum class Kind { kPrimaryKey, kUnique, kCheck, kExclusion };
  std::string name;
  Kind kind = Kind::kUnique;
  std::vector<std::string> columns;
};

struct ExistingTable {
  std::string name;
  bool is_table = true;  // false: a view, materialized view or foreign table
  bool has_rows = false;
  std::vector<ExistingColumn> columns;
  std::vector<ExistingForeignKey> foreign_keys;
  std::vector<ExistingIndex> indexes;
  std::vector<ExistingConstraint> constraints;

  const ExistingColumn* FindColumn(std::string_view column) const;
  const ExistingConstraint* FindConstraint(std::string_view constraint) const;
};

struct ExistingSchema {
  std::map<std::string, ExistingTable, std::less<>> tables;

  const ExistingTable* FindTable(std::string_view table) const;
};

// Reads the tables among `table_names` that exist in the current schema.
// Errors are the database's (core::Error from the db layer).
core::Result<ExistingSchema> IntrospectSchema(db::Connection& connection,
                                              const std::vector<std::string>& table_names);

}  // namespace citadel::orm
