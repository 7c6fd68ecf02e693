#include "orm/schema_apply.hpp"

#include <optional>
#include <utility>

#include "db/identifier.hpp"

namespace citadel::orm {
namespace {

// A ComposedSql under construction that takes names as strings and keeps
// the first name that is not an identifier as its error, so composing reads
// as one chain.
class Statement {
 public:
  Statement& Sql(db::SqlText fragment) {
    sql_.Sql(fragment);
    return *this;
  }
  Statement& Name(const std::string& name) {
    auto id = db::Identifier::Make(name);
    if (!id) {
      if (!error_) error_ = core::Error{id.error().code, "\"" + name + "\": " + id.error().message};
    } else {
      sql_.Name(*id);
    }
    return *this;
  }
  Statement& Names(const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i) Sql(", ");
      Name(names[i]);
    }
    return *this;
  }
  Statement& Type(const ColumnType& type) {
    switch (type.kind) {
      case ColumnKind::kVarchar:
        Sql("VARCHAR");
        if (type.varchar_size) sql_.Sql("(").Integer(*type.varchar_size).Sql(")");
        break;
      case ColumnKind::kText:
        Sql("TEXT");
        break;
      case ColumnKind::kInt4:
        Sql("INTEGER");
        break;
      case ColumnKind::kNumeric:
        Sql("NUMERIC");
        break;
      case ColumnKind::kFloat8:
        Sql("DOUBLE PRECISION");
        break;
      case ColumnKind::kBool:
        Sql("BOOLEAN");
        break;
      case ColumnKind::kDate:
        Sql("DATE");
        break;
      case ColumnKind::kTimestamp:
        Sql("TIMESTAMP");
        break;
    }
    return *this;
  }
  Statement& OnDeleteAction(OnDelete ondelete) {
    switch (ondelete) {
      case OnDelete::kSetNull:
        return Sql(" ON DELETE SET NULL");
      case OnDelete::kRestrict:
        return Sql(" ON DELETE RESTRICT");
      case OnDelete::kCascade:
        return Sql(" ON DELETE CASCADE");
    }
    return *this;
  }
  Statement& Value(std::string value) {
    sql_.Value(std::move(value));
    return *this;
  }
  core::Result<db::ComposedSql> Build() {
    if (error_) return core::Unexpected(*error_);
    return std::move(sql_);
  }

 private:
  db::ComposedSql sql_;
  std::optional<core::Error> error_;
};

Statement AlterTable(const std::string& table) {
  Statement s;
  s.Sql("ALTER TABLE ").Name(table);
  return s;
}

std::vector<Statement> Compose(const CreateTable& c) {
  Statement s;
  // Odoo's create_model_table: id SERIAL NOT NULL, the columns, PRIMARY KEY(id).
  s.Sql("CREATE TABLE ").Name(c.table).Sql(" (").Name("id").Sql(" SERIAL NOT NULL");
  for (const auto& column : c.columns) {
    s.Sql(", ").Name(column.name).Sql(" ").Type(column.type);
    if (column.not_null) s.Sql(" NOT NULL");
  }
  s.Sql(", PRIMARY KEY (").Name("id").Sql("))");
  return {std::move(s)};
}

std::vector<Statement> Compose(const AddColumn& c) {
  Statement s = AlterTable(c.table);
  s.Sql(" ADD COLUMN ").Name(c.column).Sql(" ").Type(c.type);
  if (c.not_null) s.Sql(" NOT NULL");
  return {std::move(s)};
}

std::vector<Statement> Compose(const FillColumn& c) {
  Statement s;
  s.Sql("UPDATE ")
      .Name(c.table)
      .Sql(" SET ")
      .Name(c.column)
      .Sql(" = ")
      .Value(c.value)
      .Sql(" WHERE ")
      .Name(c.column)
      .Sql(" IS NULL");
  return {std::move(s)};
}

std::vector<Statement> Compose(const WidenColumn& c) {
  Statement s = AlterTable(c.table);
  s.Sql(" ALTER COLUMN ").Name(c.column).Sql(" TYPE ").Type(c.type);
  return {std::move(s)};
}

std::vector<Statement> Compose(const SetNotNull& c) {
  Statement s = AlterTable(c.table);
  s.Sql(" ALTER COLUMN ").Name(c.column).Sql(" SET NOT NULL");
  return {std::move(s)};
}

std::vector<Statement> Compose(const DropNotNull& c) {
  Statement s = AlterTable(c.table);
  s.Sql(" ALTER COLUMN ").Name(c.column).Sql(" DROP NOT NULL");
  return {std::move(s)};
}

std::vector<Statement> Compose(const CreateLinkTable& c) {
  // Odoo's Many2many.update_db: two INTEGER NOT NULL columns, their pair as
  // primary key (the index column2 leads is a separate CreateIndex).
  Statement s;
  s.Sql("CREATE TABLE ")
      .Name(c.relation)
      .Sql(" (")
      .Name(c.column1)
      .Sql(" INTEGER NOT NULL, ")
      .Name(c.column2)
      .Sql(" INTEGER NOT NULL, PRIMARY KEY (")
      .Name(c.column1)
      .Sql(", ")
      .Name(c.column2)
      .Sql("))");
  return {std::move(s)};
}

std::vector<Statement> Compose(const AddForeignKey& c) {
  std::vector<Statement> out;
  if (!c.replaces.empty()) {
    Statement drop = AlterTable(c.table);
    drop.Sql(" DROP CONSTRAINT ").Name(c.replaces);
    out.push_back(std::move(drop));
  }
  // Unnamed, as Odoo adds it: PostgreSQL names it <table>_<column>_fkey.
  Statement add = AlterTable(c.table);
  add.Sql(" ADD FOREIGN KEY (")
      .Name(c.column)
      .Sql(") REFERENCES ")
      .Name(c.referenced_table)
      .Sql(" (")
      .Name("id")
      .Sql(")");
  add.OnDeleteAction(c.ondelete);
  out.push_back(std::move(add));
  return out;
}

std::vector<Statement> Compose(const CreateIndex& c) {
  Statement s;
  s.Sql("CREATE INDEX ");
  if (!c.name.empty()) s.Name(c.name).Sql(" ");
  s.Sql("ON ").Name(c.table).Sql(" (").Names(c.columns).Sql(")");
  return {std::move(s)};
}

std::vector<Statement> Compose(const AddUniqueConstraint& c) {
  std::vector<Statement> out;
  if (c.replaces) {
    Statement drop = AlterTable(c.table);
    drop.Sql(" DROP CONSTRAINT ").Name(c.name);
    out.push_back(std::move(drop));
  }
  Statement add = AlterTable(c.table);
  add.Sql(" ADD CONSTRAINT ").Name(c.name).Sql(" UNIQUE (").Names(c.columns).Sql(")");
  out.push_back(std::move(add));
  return out;
}

std::vector<Statement> Compose(const RunModelInit& c) {
  std::vector<Statement> out;
  for (const db::SqlText& text : c.statements) {
    Statement s;
    s.Sql(text);
    out.push_back(std::move(s));
  }
  return out;
}

// Runs the statements of one step; the first failure is returned.
core::Result<void> Execute(db::Connection& connection,
                           const std::vector<db::ComposedSql>& statements) {
  for (const auto& statement : statements) {
    if (auto r = connection.ExecuteComposed(statement); !r) return core::Unexpected(r.error());
  }
  return {};
}

}  // namespace

core::Result<std::vector<db::ComposedSql>> ComposeChange(const SchemaChange& change) {
  std::vector<Statement> statements = std::visit([](const auto& c) { return Compose(c); }, change);
  std::vector<db::ComposedSql> out;
  for (auto& statement : statements) {
    auto built = statement.Build();
    if (!built) return core::Unexpected(built.error());
    out.push_back(std::move(*built));
  }
  return out;
}

core::Result<SchemaSyncReport> ApplySchemaPlan(db::Connection& connection, const SchemaPlan& plan) {
  SchemaSyncReport report;
  report.warnings = plan.warnings;
  report.declaration_warnings = plan.declaration_warnings;
  report.fields_to_compute = plan.fields_to_compute;
  for (const PlannedChange& step : plan.changes) {
    auto statements = ComposeChange(step.change);
    if (!statements) {
      return core::Fail(statements.error().code,
                        step.description + ": " + statements.error().message);
    }
    if (!step.depends_on_data) {
      if (auto ok = Execute(connection, *statements); !ok) {
        return core::Fail(ok.error().code, step.description + ": " + ok.error().message);
      }
      report.applied.push_back(step.description);
      continue;
    }
    if (auto r = connection.Execute("SAVEPOINT citadel_schema_step"); !r) {
      return core::Unexpected(r.error());
    }
    if (auto ok = Execute(connection, *statements); !ok) {
      if (auto r = connection.Execute("ROLLBACK TO SAVEPOINT citadel_schema_step"); !r) {
        return core::Unexpected(r.error());
      }
      report.warnings.push_back("not applied: " + step.description + ": " + ok.error().message);
      report.not_applied.push_back(step.description);
    } else {
      report.applied.push_back(step.description);
    }
    if (auto r = connection.Execute("RELEASE SAVEPOINT citadel_schema_step"); !r) {
      return core::Unexpected(r.error());
    }
  }
  return report;
}

}  // namespace citadel::orm
