#include "orm/schema_plan.hpp"

#include <algorithm>
#include <set>

#include "db/identifier.hpp"

namespace citadel::orm {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

bool Matches(ForeignKeyAction existing, OnDelete wanted) {
  switch (wanted) {
    case OnDelete::kSetNull:
      return existing == ForeignKeyAction::kSetNull;
    case OnDelete::kRestrict:
      return existing == ForeignKeyAction::kRestrict;
    case OnDelete::kCascade:
      return existing == ForeignKeyAction::kCascade;
  }
  return false;
}

class Planner {
 public:
  Planner(const WantedSchema& wanted, const ExistingSchema& existing)
      : wanted_(wanted), existing_(existing) {}

  SchemaPlan Run() {
    plan_.declaration_warnings = wanted_.warnings;
    for (const auto& table : wanted_.tables) PlanTable(table);
    for (const auto& link : wanted_.link_tables) PlanLinkTable(link);
    for (const auto& init : wanted_.model_inits) PlanModelInit(init);
    for (const auto& key : wanted_.foreign_keys) PlanForeignKey(key);
    for (const auto& index : wanted_.indexes) PlanIndex(index);
    for (const auto& constraint : wanted_.unique_constraints) PlanUnique(constraint);
    return std::move(plan_);
  }

 private:
  void Add(SchemaChange change, std::string description, bool depends_on_data = false) {
    plan_.changes.push_back({std::move(change), std::move(description), depends_on_data});
  }
  void Warn(std::string warning) { plan_.warnings.push_back(std::move(warning)); }
  bool Usable(const std::string& table) const { return !unusable_tables_.count(table); }

  // An existing relation we may change: a real table. Views and the like
  // are reported once and left alone (Odoo skips them too).
  const ExistingTable* ExistingOrReport(const std::string& table) {
    const ExistingTable* found = existing_.FindTable(table);
    if (found && !found->is_table) {
      Warn(table + " exists but is not a table (a view?): left alone");
      unusable_tables_.insert(table);
    }
    return found;
  }

  void PlanModelInit(const WantedModelInit& init) {
    // Whatever the init made, a view included (Odoo's _auto = False models
    // are often views), is the model's: nothing to report.
    // A view still takes no foreign key pointing at it.
    if (const ExistingTable* found = existing_.FindTable(init.table)) {
      if (!found->is_table) unusable_tables_.insert(init.table);
      return;
    }
    Add(RunModelInit{init.table, init.statements},
        "create table " + init.table + " for " + init.model + " (its init: " +
            std::to_string(init.statements.size()) +
            (init.statements.size() == 1 ? " statement)" : " statements)"));
  }

  void PlanTable(const WantedTable& table) {
    const ExistingTable* existing = ExistingOrReport(table.name);
    if (!existing) {
      Add(CreateTable{table.name, table.columns},
          "create table " + table.name + " for " + table.model + " (" +
              std::to_string(table.columns.size() + 1) + " columns)");
      return;
    }
    if (!existing->is_table) return;
    if (!existing->FindColumn("id")) Warn(table.name + " has no id column: left as it is");
    for (const auto& column : table.columns) {
      if (const ExistingColumn* found = existing->FindColumn(column.name)) {
        PlanExistingColumn(table, *existing, column, *found);
      } else {
        PlanNewColumn(table, *existing, column);
      }
    }
    for (const auto& column : existing->columns) {
      if (column.name == "id" || table.FindColumn(column.name)) continue;
      Warn(table.name + "." + column.name + " is stored by no field of " + table.model +
           ": kept with its data");
      if (column.not_null) {
        Add(DropNotNull{table.name, column.name},
            "drop NOT NULL on " + table.name + "." + column.name + " (stored by no field)");
      }
    }
  }

  void PlanNewColumn(const WantedTable& table, const ExistingTable& existing,
                     const WantedColumn& column) {
    const std::string where = table.name + "." + column.name;
    if (!existing.has_rows) {
      Add(AddColumn{table.name, column.name, column.type, column.not_null},
          "add column " + where + " " + Describe(column.type) +
              (column.not_null ? " NOT NULL" : ""));
      return;
    }
    Add(AddColumn{table.name, column.name, column.type, false},
        "add column " + where + " " + Describe(column.type));
    std::optional<std::string> fill = column.fill_value;
    // Odoo skips writing `false` into a new boolean: false and NULL read the
    // same, and the UPDATE would rewrite the whole table for nothing.
    if (fill && column.type.kind == ColumnKind::kBool && *fill == "false" && !column.not_null) {
      fill.reset();
    }
    if (fill) {
      Add(FillColumn{table.name, column.name, *fill},
          "fill " + where + " with its default on existing rows");
    }
    if (column.computed) plan_.fields_to_compute.push_back({column.model, column.field});
    if (!column.not_null) return;
    if (fill) {
      Add(SetNotNull{table.name, column.name}, "set NOT NULL on " + where);
    } else {
      Warn(where + " is required but left nullable: " + table.name +
           " has rows and no constant default fills them");
    }
  }

  void PlanExistingColumn(const WantedTable& table, const ExistingTable& existing,
                          const WantedColumn& column, const ExistingColumn& found) {
    const std::string where = table.name + "." + column.name;
    const std::string has = DescribeExisting(found.udt_name, found.max_length);
    switch (CompareColumnType(found.udt_name, found.max_length, column.type)) {
      case ColumnTypeFit::kSame:
        break;
      case ColumnTypeFit::kWiderAlready:
        Warn(where + " is " + has + ", wider than the declared " + Describe(column.type) +
             ": kept");
        break;
      case ColumnTypeFit::kSafeWidening:
        Add(WidenColumn{table.name, column.name, column.type},
            "widen " + where + " from " + has + " to " + Describe(column.type));
        break;
      case ColumnTypeFit::kIncompatible:
        Warn(where + " is " + has + " but " + column.model + "." + column.field + " wants " +
             Describe(column.type) + ": not converted (not a safe widening)");
        mistyped_columns_.insert(where);
        break;
    }
    if (column.not_null && !found.not_null) {
      if (!existing.has_rows) {
        Add(SetNotNull{table.name, column.name}, "set NOT NULL on " + where);
      } else if (column.fill_value) {
        Add(FillColumn{table.name, column.name, *column.fill_value},
            "fill NULLs of " + where + " with its default");
        Add(SetNotNull{table.name, column.name}, "set NOT NULL on " + where);
      } else {
        Add(SetNotNull{table.name, column.name}, "set NOT NULL on " + where,
            /*depends_on_data=*/true);
      }
    } else if (!column.not_null && found.not_null) {
      Add(DropNotNull{table.name, column.name},
          "drop NOT NULL on " + where + " (field not required)");
    }
  }

  void PlanLinkTable(const WantedLinkTable& link) {
    const ExistingTable* existing = ExistingOrReport(link.relation);
    if (!existing) {
      Add(CreateLinkTable{link.relation, link.column1, link.column2},
          "create link table " + link.relation + " (" + link.column1 + ", " + link.column2 +
              ") for " + link.description);
      return;
    }
    for (const std::string* column : {&link.column1, &link.column2}) {
      if (existing->is_table && !existing->FindColumn(*column)) {
        Warn("link table " + link.relation + " of " + link.description + " has no column " +
             *column + ": left as it is");
        unusable_tables_.insert(link.relation);
      }
    }
  }

  void PlanForeignKey(const WantedForeignKey& key) {
    const std::string where = key.table + "." + key.column;
    if (!Usable(key.table) || !Usable(key.referenced_table) || mistyped_columns_.count(where)) {
      return;
    }
    const std::string what =
        where + " -> " + key.referenced_table + "(id) ON DELETE " + OnDeleteSql(key.ondelete);
    const ExistingTable* existing = existing_.FindTable(key.table);
    if (!existing) {
      Add(AddForeignKey{key.table, key.column, key.referenced_table, key.ondelete, ""},
          "add foreign key " + what);
      return;
    }
    const ExistingForeignKey* other = nullptr;
    for (const auto& found : existing->foreign_keys) {
      if (found.column != key.column) continue;
      if (found.referenced_table == key.referenced_table && found.referenced_column == "id" &&
          Matches(found.on_delete, key.ondelete)) {
        return;
      }
      if (!other) other = &found;
    }
    if (!other) {
      Add(AddForeignKey{key.table, key.column, key.referenced_table, key.ondelete, ""},
          "add foreign key " + what, existing->has_rows);
    } else if (db::Identifier::Problem(other->name)) {
      Warn("foreign key " + other->name + " on " + where + " differs from " + what +
           " but its name cannot be used in DDL: left as it is");
    } else {
      Add(AddForeignKey{key.table, key.column, key.referenced_table, key.ondelete, other->name},
          "replace foreign key " + other->name + " by " + what, existing->has_rows);
    }
  }

  void PlanIndex(const WantedIndex& index) {
    if (!Usable(index.table)) return;
    const std::string what = index.table + " (" + Join(index.columns) + ")";
    if (const ExistingTable* existing = existing_.FindTable(index.table)) {
      const bool found = std::any_of(
          existing->indexes.begin(), existing->indexes.end(), [&](const ExistingIndex& i) {
            // A named index is known by its name (Odoo's check_indexes); the
            // link table's unnamed one by its leading column.
            return index.name.empty()
                       ? !i.columns.empty() && i.columns.front() == index.columns.front()
                       : i.name == index.name;
          });
      if (found) return;
    }
    Add(CreateIndex{index.name, index.table, index.columns},
        "create index " + (index.name.empty() ? std::string() : index.name + " ") + "on " + what);
  }

  void PlanUnique(const WantedUniqueConstraint& constraint) {
    if (!Usable(constraint.table)) return;
    const std::string what =
        constraint.name + " unique(" + Join(constraint.columns) + ") on " + constraint.table;
    const ExistingTable* existing = existing_.FindTable(constraint.table);
    if (!existing) {
      Add(AddUniqueConstraint{constraint.table, constraint.name, constraint.columns, false},
          "add constraint " + what);
      return;
    }
    const ExistingConstraint* found = existing->FindConstraint(constraint.name);
    if (found && found->kind == ExistingConstraint::Kind::kUnique &&
        found->columns == constraint.columns)
      return;
    Add(AddUniqueConstraint{constraint.table, constraint.name, constraint.columns,
                            found != nullptr},
        (found ? "replace constraint " : "add constraint ") + what, existing->has_rows);
  }

  const WantedSchema& wanted_;
  const ExistingSchema& existing_;
  SchemaPlan plan_;
  std::set<std::string> unusable_tables_;   // views, link tables missing a column
  std::set<std::string> mistyped_columns_;  // "table.column" left with another type
};

}  // namespace

const char* OnDeleteSql(OnDelete ondelete) {
  switch (ondelete) {
    case OnDelete::kSetNull:
      return "SET NULL";
    case OnDelete::kRestrict:
      return "RESTRICT";
    case OnDelete::kCascade:
      return "CASCADE";
  }
  return "SET NULL";
}

SchemaPlan PlanSchemaChanges(const WantedSchema& wanted, const ExistingSchema& existing) {
  return Planner(wanted, existing).Run();
}

}  // namespace citadel::orm
