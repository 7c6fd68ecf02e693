// WantedSchema: the tables, columns, foreign keys, indexes, link tables and
// unique constraints that a Registry needs, described as plain data (names
// are registry names, already checked to be valid PostgreSQL identifiers).
// The planner (schema_plan.hpp) compares it with what a database has.
//
// Odoo 18 conventions it follows (odoo/models.py _auto_init,
// _add_sql_constraints; odoo/fields.py update_db*; odoo/modules/registry.py
// check_indexes, check_foreign_keys):
//   * a model's table has `id SERIAL NOT NULL` + PRIMARY KEY(id), then its
//     stored fields' columns, sorted by type for alignment (int4, varchar,
//     date, text, numeric, bool, timestamp, float8), declaration order within
//     a type; `required` gives NOT NULL;
//   * a many2one gets a foreign key to its comodel's `id` ON DELETE from
//     FieldDef::ondelete. FieldDef cannot tell "set null" from "not given",
//     so a required many2one left at set null gets restrict, Odoo's default
//     for a required many2one (set null on a NOT NULL column cannot work);
//   * a many2many gets its link table (column1, column2 int4 NOT NULL,
//     PRIMARY KEY(column1, column2), an index on (column2, column1)), a
//     foreign key column1 -> model ON DELETE CASCADE and column2 -> comodel
//     ON DELETE CASCADE (RESTRICT when the field says restrict; set null
//     makes no sense for a link row). Two fields sharing a link table (a
//     relation and its inverse) describe it once;
//   * `index` gives "<table>__<column>_index";
//   * SqlConstraint "<key>", "unique(a, b)" gives constraint "<table>_<key>"
//     (see schema_names.hpp); check(...) is reported, not installed;
//   * a model with auto_table off (Odoo's _auto = False) gets nothing of the
//     above for its own fields: its init_sql makes its table (model_inits).
//
// Immutable once built; thread-safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "db/sql_text.hpp"
#include "orm/registry.hpp"
#include "orm/schema_column_type.hpp"

namespace citadel::orm {

struct WantedColumn {
  std::string name;
  ColumnType type;
  bool not_null = false;  // the field is required
  // A constant default as PostgreSQL text, to fill existing rows when the
  // column is added to a table that has some (Odoo's _init_column).
  std::optional<std::string> fill_value;
  bool computed = false;  // stored compute or related: existing rows need computing
  std::string model;      // the model and field it stores, for reports
  std::string field;
};

struct WantedTable {
  std::string name;
  std::string model;
  std::vector<WantedColumn> columns;  // without `id`, in creation order
  const WantedColumn* FindColumn(std::string_view column) const;
};

struct WantedLinkTable {
  std::string relation;
  std::string column1;
  std::string column2;
  std::string description;  // "res.partner.category_id": for messages
};

struct WantedForeignKey {
  std::string table;
  std::string column;
  std::string referenced_table;  // always its `id`
  OnDelete ondelete = OnDelete::kSetNull;
};

struct WantedIndex {
  std::string name;  // empty: PostgreSQL chooses it (Odoo's link-table index)
  std::string table;
  std::vector<std::string> columns;
};

struct WantedUniqueConstraint {
  std::string table;
  std::string name;  // "<table>_<key>"
  std::vector<std::string> columns;
};

// The table of a model with auto_table off (Odoo's _auto = False): made by
// the model's own fixed statements when it does not exist.
struct WantedModelInit {
  std::string table;
  std::string model;
  std::vector<db::SqlText> statements;
};

struct WantedSchema {
  std::vector<WantedTable> tables;
  std::vector<WantedModelInit> model_inits;
  std::vector<WantedLinkTable> link_tables;
  std::vector<WantedForeignKey> foreign_keys;
  std::vector<WantedIndex> indexes;
  std::vector<WantedUniqueConstraint> unique_constraints;
  // Declarations understood but not installed (check constraints).
  std::vector<std::string> warnings;

  // Every table it names (model tables, then link tables, then the tables
  // of models with auto_table off).
  std::vector<std::string> TableNames() const;
};

// kInvalidArgument naming the module, model and constraint when an SQL
// constraint is malformed or names a column the model does not store, or a
// name cannot be a PostgreSQL identifier (e.g. a table starting with pg_),
// or two many2many fields describe one link table differently.
core::Result<WantedSchema> DescribeWantedSchema(const Registry& registry);

}  // namespace citadel::orm
