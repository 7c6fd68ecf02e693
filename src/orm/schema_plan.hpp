// SchemaPlan: the ordered changes that bring a database from what it has
// (ExistingSchema) to what the registry wants (WantedSchema), and what is
// reported instead of done. A pure function: no database, unit-tested with
// schemas described by hand.
//
// The rules, Odoo 18's except where said:
//   * missing tables, columns, link tables, foreign keys, indexes and unique
//     constraints are added; what is already right is left untouched, so a
//     second plan against the result is empty;
//   * nothing is ever dropped that holds data: a column no field stores is
//     reported and kept (only its NOT NULL is dropped, as Odoo's
//     _check_removed_columns does, so inserts by the ORM still work); tables
//     no model wants are not even looked at;
//   * a column whose type differs is converted only when the change is a safe
//     widening (varchar(n) -> varchar(m > n) / varchar / text); otherwise it is
//     reported and left as it is (Odoo would cast it);
//   * `required` becomes NOT NULL when that cannot fail: on a new or empty
//     table, or after filling existing rows with the field's constant
//     default. A new required column on a table with rows and no constant
//     default stays nullable and is reported; an existing nullable column of
//     a required field gets a SET NOT NULL that may fail on NULLs (below);
//   * a foreign key whose target or ON DELETE differs is replaced, as Odoo's
//     check_foreign_keys does; so is a same-named constraint that differs;
//   * a model with auto_table off gets its init statements run when its
//     table is missing (after the other tables, before foreign keys and
//     indexes), and nothing else: an existing one is left as it is;
//   * steps that depend on the rows already there (SET NOT NULL over NULLs,
//     a unique constraint over duplicates, a foreign key over dangling ids)
//     are marked `depends_on_data`: the applier runs each under a savepoint
//     and turns its failure into a warning, as Odoo's post_constraint warns.
//
// Plain values; thread-safe to share once built.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "orm/schema_introspection.hpp"
#include "orm/schema_wanted.hpp"

namespace citadel::orm {

struct CreateTable {
  std::string table;
  std::vector<WantedColumn> columns;  // besides id SERIAL
};
struct AddColumn {
  std::string table;
  std::string column;
  ColumnType type;
  bool not_null = false;
};
// UPDATE <table> SET <column> = <value> WHERE <column> IS NULL (value bound).
struct FillColumn {
  std::string table;
  std::string column;
  std::string value;
};
struct WidenColumn {
  std::string table;
  std::string column;
  ColumnType type;
};
struct SetNotNull {
  std::string table;
  std::string column;
};
struct DropNotNull {
  std::string table;
  std::string column;
};
struct CreateLinkTable {
  std::string relation;
  std::string column1;
  std::string column2;
};
struct AddForeignKey {
  std::string table;
  std::string column;
  std::string referenced_table;
  OnDelete ondelete = OnDelete::kSetNull;
  std::string replaces;  // an existing foreign key on the column to drop first, or empty
};
struct CreateIndex {
  std::string name;  // empty: PostgreSQL names it
  std::string table;
  std::vector<std::string> columns;
};
struct AddUniqueConstraint {
  std::string table;
  std::string name;
  std::vector<std::string> columns;
  bool replaces = false;  // a different constraint of that name is dropped first
};

// The fixed statements of a model with auto_table off, for its missing table.
struct RunModelInit {
  std::string table;
  std::vector<db::SqlText> statements;
};

using SchemaChange =
    std::variant<CreateTable, AddColumn, FillColumn, WidenColumn, SetNotNull, DropNotNull,
                 CreateLinkTable, AddForeignKey, CreateIndex, AddUniqueConstraint, RunModelInit>;

struct PlannedChange {
  SchemaChange change;
  std::string description;  // "add column res_partner.ref varchar(16)"
  bool depends_on_data = false;
};

struct FieldRef {
  std::string model;
  std::string field;
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
};

struct SchemaPlan {
  std::vector<PlannedChange> changes;
  // What this database has that the plan leaves alone (a column kept with its
  // data, a type not converted, a required column left nullable).
  std::vector<std::string> warnings;
  // What the modules declare that the sync does not do (a check
  // constraint): the same for every database, so reported once, not per
  // tenant (WantedSchema::warnings).
  std::vector<std::string> declaration_warnings;
  // Stored computed fields whose column is new on a table with rows: their
  // values must be computed for those rows (Odoo marks them to recompute).
  std::vector<FieldRef> fields_to_compute;
};

SchemaPlan PlanSchemaChanges(const WantedSchema& wanted, const ExistingSchema& existing);

// "SET NULL", "RESTRICT", "CASCADE".
const char* OnDeleteSql(OnDelete ondelete);

}  // namespace citadel::orm
