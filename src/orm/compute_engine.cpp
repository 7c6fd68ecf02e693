// Stored computes: what a change makes stale (Odoo's modified), and the
// recompute loop that writes new values back until nothing changes.
#include "orm/compute_engine.hpp"

#include <stdexcept>
#include <string>

#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/schema_column_type.hpp"

namespace citadel::orm::compute {
namespace {

// su, archived included: the records a change affects, whoever may see them.
Environment Unrestricted(const Environment& env) {
  Value context = env.context();
  context["active_test"] = false;
  return env.Sudo().WithContext(std::move(context));
}

// Records of step's model whose `step` points at `ids` (of its comodel).
std::vector<std::int64_t> PointingAt(const Environment& su, const Field& step, const std::vector<std::int64_t>& ids) {
  Value in = Value::array();
  for (std::int64_t id : ids) in.push_back(id);
  return RecordSet(su, step.model()).Search(Value::array({Value::array({step.name(), "in", in})}));
}

// `::<type>`, after a text value from the unnest below.
db::ComposedSql Cast(const Field& field) {
  switch (ColumnTypeOf(field)->kind) {
    case ColumnKind::kVarchar: return db::ComposedSql("::varchar");
    case ColumnKind::kText: return db::ComposedSql("::text");
    case ColumnKind::kInt4: return db::ComposedSql("::int4");
    case ColumnKind::kNumeric: return db::ComposedSql("::numeric");
    case ColumnKind::kFloat8: return db::ComposedSql("::float8");
    case ColumnKind::kBool: return db::ComposedSql("::bool");
    case ColumnKind::kDate: return db::ComposedSql("::date");
    case ColumnKind::kTimestamp: return db::ComposedSql("::timestamp");
  }
  return db::ComposedSql("::text");
}

// A text[] literal with NULL for missing values (crud_sql::TextArray quotes
// every element, so it cannot say NULL).
db::Param NullableTextArray(const std::vector<db::Param>& values) {
  std::string text = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ',';
    if (!values[i]) {
      text += "NULL";
      continue;
    }
    text += '"';
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    text += '"';
  }
  return text + "}";
}

// The current column values of `fields` for `ids`: id -> one per field.
std::map<std::int64_t, std::vector<Value>> CurrentValues(const Environment& env, const Model& model,
                                                         const std::vector<const Field*>& fields,
                                                         const std::vector<std::int64_t>& ids) {
  const db::Identifier& alias = crud_sql::RootAlias();
  db::ComposedSql sql("SELECT ");
  sql.Qualified(alias, crud_sql::Name("id"));
  for (const Field* field : fields) sql.Sql(", ").Qualified(alias, crud_sql::Name(field->column()));
  sql.Sql(" FROM ").Name(crud_sql::Name(model.table())).Sql(" AS ").Name(alias).Sql(" WHERE ");
  sql.Append(crud_sql::IdIn(alias, ids));
  db::QueryResult rows = env.Execute(sql);
  const std::vector<std::int64_t> found = crud_sql::IdsOf(rows);
  std::map<std::int64_t, std::vector<Value>> out;
  for (int row = 0; row < rows.rows(); ++row) {
    std::vector<Value>& values = out[found[row]];
    for (std::size_t i = 0; i < fields.size(); ++i) {
      values.push_back(crud::ColumnValue(*fields[i], rows.Get(row, static_cast<int>(i) + 1)));
    }
  }
  return out;
}

// A field of the model set by the compute method (or related field) `key`.
const Field* FirstOfGroup(const Model& model, const std::string& key) {
  for (const auto& field : model.fields()) {
    if (field->computed() && GroupKey(*field) == key) return field.get();
  }
  throw std::logic_error("no field of " + model.name() + " is computed by " + key);
}

std::vector<const Field*> StoredOf(const std::vector<const Field*>& fields) {
  std::vector<const Field*> stored;
  for (const Field* field : fields) {
    if (crud::HasColumn(*field)) stored.push_back(field);
  }
  return stored;
}

// The current values of the stored fields of every batch of a round, one
// statement per model: a field is written by its own method only, so
// reading them all before the round's first batch reads each as it is
// before its batch. The rows found are the records that still exist.
class CurrentByModel {
 public:
  // id -> the values of `stored`, for the records of `ids` found.
  std::map<std::int64_t, std::vector<Value>> For(const Model& model, const std::vector<const Field*>& stored,
                                                 const std::set<std::int64_t>& ids) const {
    std::map<std::int64_t, std::vector<Value>> out;
    auto found = models_.find(&model);
    if (found == models_.end()) return out;
    const Read& read = found->second;
    for (std::int64_t id : ids) {
      auto row = read.rows.find(id);
      if (row == read.rows.end()) continue;
      std::vector<Value>& values = out[id];
      for (const Field* field : stored) values.push_back(row->second[read.column.at(field)]);
    }
    return out;
  }

  struct Read {
    std::map<const Field*, std::size_t> column;
    std::map<std::int64_t, std::vector<Value>> rows;
  };
  std::map<const Model*, Read> models_;
};

CurrentByModel ReadCurrentValues(const Environment& env,
                                 const std::map<std::pair<const Model*, std::string>, std::set<std::int64_t>>& groups) {
  std::map<const Model*, std::pair<std::vector<const Field*>, std::set<std::int64_t>>> wanted;
  for (const auto& [key, ids] : groups) {
    const std::vector<const Field*> stored = StoredOf(ComputedTogether(*FirstOfGroup(*key.first, key.second)));
    if (stored.empty()) continue;
    auto& [fields, all_ids] = wanted[key.first];
    fields.insert(fields.end(), stored.begin(), stored.end());
    all_ids.insert(ids.begin(), ids.end());
  }
  CurrentByModel out;
  for (const auto& [model, fields_and_ids] : wanted) {
    const auto& [fields, ids] = fields_and_ids;
    CurrentByModel::Read& read = out.models_[model];
    for (std::size_t i = 0; i < fields.size(); ++i) read.column[fields[i]] = i;
    read.rows = CurrentValues(env, *model, fields, std::vector<std::int64_t>(ids.begin(), ids.end()));
  }
  return out;
}

// One UPDATE for every record of the batch whose values changed:
// UPDATE t SET c = v.c::type... FROM unnest($ids, $c...) AS v(id, c...).
void WriteBack(const Environment& env, const Model& model, const std::vector<const Field*>& fields,
               const std::vector<std::int64_t>& ids, const std::vector<std::vector<db::Param>>& columns) {
  const db::Identifier& alias = crud_sql::RootAlias();
  const db::Identifier v = crud_sql::Name("v");
  db::ComposedSql sql("UPDATE ");
  sql.Name(crud_sql::Name(model.table())).Sql(" AS ").Name(alias).Sql(" SET ");
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) sql.Sql(", ");
    sql.Name(crud_sql::Name(fields[i]->column())).Sql(" = ").Qualified(v, crud_sql::Name(fields[i]->column()))
        .Append(Cast(*fields[i]));
  }
  if (model.log_access()) {
    sql.Sql(", write_uid = ").Value(db::ToParam(env.uid())).Sql(", write_date = now() at time zone 'UTC'");
  }
  sql.Sql(" FROM unnest(").Value(crud_sql::IdArray(ids)).Sql("::int8[]");
  for (const auto& values : columns) sql.Sql(", ").Value(NullableTextArray(values)).Sql("::text[]");
  sql.Sql(") AS ").Name(v).Sql("(").Name(crud_sql::Name("id"));
  for (const Field* field : fields) sql.Sql(", ").Name(crud_sql::Name(field->column()));
  sql.Sql(") WHERE ").Qualified(alias, crud_sql::Name("id")).Sql(" = ").Qualified(v, crud_sql::Name("id"));
  env.Execute(sql);
}

}  // namespace

std::string GroupKey(const Field& field) {
  return field.def().compute.empty() ? "related:" + field.name() : field.def().compute;
}

Value WriteShape(const Field& field, const Value& value) {
  if (field.type() == FieldType::kMany2one && value.is_array() && !value.empty()) return value[0];
  return value;
}

Value StoredValue(const Field& field, const db::Param& param) {
  if (field.type() == FieldType::kBoolean) return param && (*param == "true" || *param == "t");
  if (!param) return crud::ColumnValue(field, std::nullopt);
  return crud::ColumnValue(field, std::string_view(*param));
}

void CollectModified(const Environment& env, const Model& model, std::span<const Field* const> fields,
                     std::span<const std::int64_t> ids, Pending& pending, Referenced referenced) {
  if (ids.empty()) return;
  const Environment su = Unrestricted(env);
  for (const Field* field : fields) {
    if (&field->model() != &model) continue;
    for (const ComputeTrigger& trigger : field->triggers()) {
      // The first step back from records nothing references yet, along a
      // many2one, finds nobody (a third of a partner's create was these searches).
      if (referenced == Referenced::kNotYet && !trigger.path.empty() &&
          trigger.path.back()->type() == FieldType::kMany2one) {
        continue;
      }
      std::vector<std::int64_t> current(ids.begin(), ids.end());
      for (auto step = trigger.path.rbegin(); step != trigger.path.rend() && !current.empty(); ++step) {
        current = PointingAt(su, **step, current);
      }
      if (!current.empty()) pending[trigger.computed].insert(current.begin(), current.end());
    }
  }
}

void AddStoredComputes(const Model& model, std::span<const std::int64_t> ids, Pending& pending,
                       const std::set<const Field*>& settled) {
  if (ids.empty()) return;
  for (const auto& field : model.fields()) {
    if (field->computed() && crud::HasColumn(*field) && !settled.contains(field.get())) {
      pending[field.get()].insert(ids.begin(), ids.end());
    }
  }
}

std::vector<const Field*> ComputedTogether(const Field& field) {
  if (field.def().compute.empty()) return {&field};
  std::vector<const Field*> together;
  for (const auto& other : field.model().fields()) {
    if (other->def().compute == field.def().compute) together.push_back(other.get());
  }
  return together;
}

ComputeBatch Run(const Environment& env, const Model& model, std::vector<const Field*> fields,
                 std::vector<std::int64_t> ids) {
  ComputeBatch batch(env, model, fields, std::move(ids));
  const Field& first = *batch.fields().front();
  if (!first.def().related.empty()) {
    for (std::size_t i = 0; i < batch.size(); ++i) batch.Set(i, first.name(), batch.Get(i, first.def().related));
  } else {
    model.computes().at(first.def().compute)(batch);
  }
  return batch;
}

void Recompute(const Environment& env, Pending pending) {
  for (int round = 0; !pending.empty(); ++round) {
    if (round == kMaxRecomputeRounds) {
      throw UserError("Recursion detected while recomputing " + pending.begin()->first->model().name() + "." +
                      pending.begin()->first->name() + ": the values do not settle (a cycle in the hierarchy?).");
    }
    Pending now;
    now.swap(pending);
    // One batch per compute method and model, on every record any of its
    // fields needs.
    std::map<std::pair<const Model*, std::string>, std::set<std::int64_t>> groups;
    for (const auto& [field, ids] : now) {
      if (ids.empty()) continue;
      groups[{&field->model(), GroupKey(*field)}].insert(ids.begin(), ids.end());
    }
    const CurrentByModel round_values = ReadCurrentValues(env, groups);
    for (const auto& [key, id_set] : groups) {
      const Model& model = *key.first;
      std::vector<const Field*> together = ComputedTogether(*FirstOfGroup(model, key.second));
      const std::vector<const Field*> stored = StoredOf(together);
      if (stored.empty()) continue;
      const auto current = round_values.For(model, stored, id_set);
      std::vector<std::int64_t> ids;
      for (const auto& [id, values] : current) ids.push_back(id);
      if (ids.empty()) continue;
      ComputeBatch batch = Run(env, model, std::move(together), ids);
      std::vector<std::int64_t> changed_ids;
      std::vector<std::vector<db::Param>> columns(stored.size());
      std::map<const Field*, std::vector<std::int64_t>> changed_by_field;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        std::vector<db::Param> params;
        bool changed = false;
        for (std::size_t f = 0; f < stored.size(); ++f) {
          const Value* result = batch.Result(i, *stored[f]);
          if (result == nullptr) {
            throw std::logic_error("compute " + GroupKey(*stored[f]) + " did not set " + model.name() + "." +
                                   stored[f]->name() + " of record " + std::to_string(batch.id(i)));
          }
          params.push_back(crud::ColumnParam(*stored[f], WriteShape(*stored[f], *result)));
          auto it = current.find(batch.id(i));
          if (it == current.end() || StoredValue(*stored[f], params.back()) != it->second[f]) {
            changed = true;
            changed_by_field[stored[f]].push_back(batch.id(i));
          }
        }
        if (!changed) continue;
        changed_ids.push_back(batch.id(i));
        for (std::size_t f = 0; f < stored.size(); ++f) columns[f].push_back(std::move(params[f]));
      }
      if (changed_ids.empty()) continue;
      WriteBack(env, model, stored, changed_ids, columns);
      for (const auto& [field, field_ids] : changed_by_field) {
        const Field* const one[] = {field};
        CollectModified(env, model, one, field_ids, pending);
      }
    }
  }
}

}  // namespace citadel::orm::compute
