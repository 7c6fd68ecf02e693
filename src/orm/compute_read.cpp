// Non-stored computes on read (one batch per compute method for all the ids
// read), and display names, which a model may compute itself.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "orm/compute_engine.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"

namespace citadel::orm::compute {

std::map<std::int64_t, Value> DisplayNames(const Environment& env, const Model& model,
                                           const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, Value> names;
  if (ids.empty()) return names;
  const Environment su = env.Sudo();
  if (const Field* display_name = model.FindField("display_name"); display_name != nullptr && display_name->computed()) {
    const ComputeBatch batch = Run(su, model, ComputedTogether(*display_name), ids);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Value* name = batch.Result(i, *display_name);
      names[batch.id(i)] =
          name != nullptr && name->is_string() ? *name : Value(crud::FallbackName(model, batch.id(i)));
    }
    return names;
  }
  const db::Identifier& alias = crud_sql::RootAlias();
  const Field* rec_name = crud::IsTextual(model.rec_name()) ? model.rec_name() : nullptr;
  db::ComposedSql sql("SELECT ");
  sql.Qualified(alias, crud_sql::Name("id"));
  if (rec_name != nullptr) sql.Sql(", ").Qualified(alias, crud_sql::Name(rec_name->column()));
  sql.Sql(" FROM ").Name(crud_sql::Name(model.table())).Sql(" AS ").Name(alias).Sql(" WHERE ");
  sql.Append(crud_sql::IdIn(alias, ids));
  db::QueryResult rows = su.Execute(sql);
  const std::vector<std::int64_t> found = crud_sql::IdsOf(rows);
  for (int row = 0; row < rows.rows(); ++row) {
    auto text = rec_name != nullptr ? rows.Get(row, 1) : std::nullopt;
    names[found[row]] = text ? Value(std::string(*text)) : Value(crud::FallbackName(model, found[row]));
  }
  return names;
}

std::map<const Field*, std::map<std::int64_t, Value>> ComputeForRead(const Environment& env, const Model& model,
                                                                    const std::vector<std::int64_t>& ids,
                                                                    const std::vector<const Field*>& fields) {
  std::map<const Field*, std::map<std::int64_t, Value>> out;
  if (ids.empty()) return out;
  std::map<const Field*, bool> done;
  for (const Field* field : fields) {
    if (done[field]) continue;
    const ComputeBatch batch = Run(env, model, ComputedTogether(*field), ids);
    for (const Field* computed : batch.fields()) {
      done[computed] = true;
      if (std::find(fields.begin(), fields.end(), computed) == fields.end()) continue;
      std::map<std::int64_t, Value>& values = out[computed];
      std::vector<std::int64_t> targets;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const Value* value = batch.Result(i, *computed);
        if (value == nullptr) {
          // Odoo: "Compute method failed to assign" — a defect of the module.
          throw std::logic_error("compute of " + model.name() + "." + computed->name() + " did not set record " +
                                 std::to_string(batch.id(i)));
        }
        Value shaped = *value;
        if (computed->type() == FieldType::kMany2one && shaped.is_number_integer()) {
          if (shaped.get<std::int64_t>() > 0) {
            targets.push_back(shaped.get<std::int64_t>());
          } else {
            shaped = false;
          }
        }
        values[batch.id(i)] = std::move(shaped);
      }
      if (!targets.empty()) {
        const auto names = DisplayNames(env, *computed->comodel(), targets);
        for (auto& [id, value] : values) {
          if (!value.is_number_integer()) continue;
          auto it = names.find(value.get<std::int64_t>());
          value = Value::array({value, it != names.end() ? it->second : Value(false)});
        }
      }
    }
  }
  return out;
}

}  // namespace citadel::orm::compute
