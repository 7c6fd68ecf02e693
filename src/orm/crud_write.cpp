// RecordSet::Write and the x2many commands Create and Write share. Lines
// created, written or deleted through a command go through the comodel's
// own RecordSet, so its rights and rules apply to them too. After the rows:
// stored computes that depend on what changed, inverses (related fields
// written through) and after_write hooks.
#include <algorithm>
#include <string>

#include "orm/access_guard.hpp"
#include "orm/compute_engine.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace crud {
namespace {

[[noreturn]] void BadCommand(const Field& field) {
  throw ValidationError("Invalid x2many command for " + field.model().name() + "." +
                        field.name() + ".");
}

std::int64_t IdOf(const Field& field, const Value& value) {
  if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) BadCommand(field);
  return value.get<std::int64_t>();
}

// The link rows of a many2many: delete (all, or some targets), insert.
void Unlink(const Environment& env, const Field& field, std::int64_t id,
            const std::vector<std::int64_t>* targets) {
  const db::Identifier link = crud_sql::Name(field.def().relation);
  db::ComposedSql sql("DELETE FROM ");
  sql.Name(link).Sql(" WHERE ").Name(crud_sql::Name(field.def().column1)).Sql(" = ").Value(db::ToParam(id));
  if (targets != nullptr) {
    sql.Sql(" AND ").Name(crud_sql::Name(field.def().column2)).Sql(" = ANY(")
        .Value(crud_sql::IdArray(*targets)).Sql("::int8[])");
  }
  env.Execute(sql);
}

void Link(const Environment& env, const Field& field, std::int64_t id, std::int64_t target) {
  db::ComposedSql sql("INSERT INTO ");
  sql.Name(crud_sql::Name(field.def().relation))
      .Sql(" (").Name(crud_sql::Name(field.def().column1)).Sql(", ")
      .Name(crud_sql::Name(field.def().column2)).Sql(") VALUES (")
      .Value(db::ToParam(id)).Sql(", ").Value(db::ToParam(target)).Sql(") ON CONFLICT DO NOTHING");
  env.Execute(sql);
}

// The one2many lines of `id` (all of them, archived included).
std::vector<std::int64_t> Lines(const Environment& env, const Field& field, std::int64_t id) {
  db::ComposedSql sql("SELECT id FROM ");
  sql.Name(crud_sql::Name(field.comodel()->table())).Sql(" WHERE ")
      .Name(crud_sql::Name(field.inverse()->column())).Sql(" = ").Value(db::ToParam(id));
  return crud_sql::IdsOf(env.Execute(sql));
}

// one2many command 3: the line leaves the record; a line that cannot live
// without it (ondelete cascade) is deleted, as Odoo does.
void Detach(const Environment& env, const Field& field, std::int64_t line) {
  RecordSet lines(env, *field.comodel(), {line});
  if (field.inverse()->def().ondelete == OnDelete::kCascade) {
    lines.Unlink();
  } else {
    lines.Write(Value{{field.inverse()->name(), false}});
  }
}

}  // namespace

void ApplyX2many(const Environment& env, const Field& field, std::int64_t id, const Value& commands) {
  if (!commands.is_array()) BadCommand(field);
  const bool one2many = field.type() == FieldType::kOne2many;
  const Model& comodel = *field.comodel();
  // A plain list of ids means (6, 0, ids).
  if (!commands.empty() && commands.front().is_number_integer()) {
    ApplyX2many(env, field, id, Value::array({Value::array({6, 0, commands})}));
    return;
  }
  for (const Value& command : commands) {
    if (!command.is_array() || command.size() < 2 || command.size() > 3 ||
        !command[0].is_number_integer()) {
      BadCommand(field);
    }
    const int code = command[0].get<int>();
    const Value& arg = command.size() > 2 ? command[2] : Value(false);
    switch (code) {
      case 0: {  // create a line
        Value vals = arg.is_object() ? arg : Value::object();
        if (one2many) vals[field.inverse()->name()] = id;
        const auto created = RecordSet(env, comodel).Create(vals);
        if (!one2many) Link(env, field, id, created.at(0));
        break;
      }
      case 1:  // write a line
        if (!arg.is_object()) BadCommand(field);
        RecordSet(env, comodel, {IdOf(field, command[1])}).Write(arg);
        break;
      case 2:  // delete a line
        RecordSet(env, comodel, {IdOf(field, command[1])}).Unlink();
        break;
      case 3:  // cut the link
        if (one2many) {
          Detach(env, field, IdOf(field, command[1]));
        } else {
          const std::vector<std::int64_t> target = {IdOf(field, command[1])};
          Unlink(env, field, id, &target);
        }
        break;
      case 4:  // link an existing record
        if (one2many) {
          RecordSet(env, comodel, {IdOf(field, command[1])})
              .Write(Value{{field.inverse()->name(), id}});
        } else {
          Link(env, field, id, IdOf(field, command[1]));
        }
        break;
      case 5:  // cut every link
        if (one2many) {
          for (std::int64_t line : Lines(env, field, id)) Detach(env, field, line);
        } else {
          Unlink(env, field, id, nullptr);
        }
        break;
      case 6: {  // replace the links by exactly these
        if (!arg.is_array()) BadCommand(field);
        std::vector<std::int64_t> targets;
        for (const Value& target : arg) targets.push_back(IdOf(field, target));
        if (one2many) {
          for (std::int64_t line : Lines(env, field, id)) {
            if (std::find(targets.begin(), targets.end(), line) == targets.end()) Detach(env, field, line);
          }
          if (!targets.empty()) RecordSet(env, comodel, targets).Write(Value{{field.inverse()->name(), id}});
        } else {
          Unlink(env, field, id, nullptr);
          CheckExist(env, comodel, targets);
          for (std::int64_t target : targets) Link(env, field, id, target);
        }
        break;
      }
      default:
        BadCommand(field);
    }
  }
}

}  // namespace crud

void RecordSet::Write(const Value& vals) const {
  const Environment& env = *env_;
  const Model& model = *model_;
  AccessGuard::CheckModel(env, model, Operation::kWrite);
  const crud::SplitVals split = crud::Split(env, model, vals, Operation::kWrite);
  if (ids_.empty()) return;
  crud::CheckExist(env, model, ids_);
  AccessGuard::CheckRecords(env, model, Operation::kWrite, ids_);
  // Bound once: a binary value is stored in the file store here.
  std::vector<db::Param> params;
  for (const auto& [field, value] : split.columns) {
    params.push_back(crud::ColumnParam(env, *field, value));
    if (field->def().required && params.back() == std::nullopt) {
      throw ValidationError("The field '" + field->name() + "' of '" + model.name() +
                            "' is required.");
    }
  }
  // What depends on a relation through its old value (Odoo's modified
  // before=True): a line moved from one order to another changes both.
  compute::Pending pending;
  std::vector<const Field*> written;
  for (const auto& [field, value] : split.columns) written.push_back(field);
  for (const auto& [field, value] : split.x2many) written.push_back(field);
  std::vector<const Field*> relations;
  for (const Field* field : written) {
    if (IsRelational(field->type())) relations.push_back(field);
  }
  compute::CollectModified(env, model, relations, ids_, pending);

  db::ComposedSql sql("UPDATE ");
  sql.Name(crud_sql::Name(model.table())).Sql(" AS ").Name(crud_sql::RootAlias()).Sql(" SET ");
  for (std::size_t i = 0; i < split.columns.size(); ++i) {
    if (i > 0) sql.Sql(", ");
    sql.Name(crud_sql::Name(split.columns[i].first->column())).Sql(" = ").Value(params[i]);
  }
  if (model.log_access()) {
    if (!split.columns.empty()) sql.Sql(", ");
    sql.Sql("write_uid = ").Value(db::ToParam(env.uid())).Sql(", write_date = now() at time zone 'UTC'");
  }
  sql.Sql(" WHERE ").Append(crud_sql::IdIn(crud_sql::RootAlias(), ids_));
  // A model without log access has nothing to set when only x2many fields
  // (other tables) were written.
  if (model.log_access() || !split.columns.empty()) env.Execute(sql);
  for (std::int64_t id : ids_) {
    for (const auto& [field, commands] : split.x2many) crud::ApplyX2many(env, *field, id, commands);
  }
  compute::CollectModified(env, model, written, ids_, pending);
  // Editable computed fields written here keep the value written.
  for (const Field* field : written) {
    if (!field->computed() || field->readonly()) continue;
    for (const Field* together : compute::ComputedTogether(*field)) {
      for (std::int64_t id : ids_) pending[together].erase(id);
    }
  }
  compute::Recompute(env, std::move(pending));
  compute::ApplyInverses(env, model, ids_, split.inversed);
  compute::RunAfterWrite(env, model, ids_, vals);
}

}  // namespace citadel::orm
