#include "orm/install_recompute.hpp"

#include <cstdint>
#include <map>
#include <stdexcept>

#include "orm/compute_engine.hpp"
#include "orm/crud_sql.hpp"

namespace citadel::orm {
namespace {

// The next `limit` ids of `model` after `after`, in id order: keyset paging,
// so a batch costs the same at the end of a big table as at its start.
std::vector<std::int64_t> NextIds(const Environment& env, const Model& model, std::int64_t after,
                                  std::size_t limit) {
  const db::Identifier id = crud_sql::Name("id");
  db::ComposedSql sql("SELECT ");
  sql.Name(id).Sql(" FROM ").Name(crud_sql::Name(model.table())).Sql(" WHERE ").Name(id).Sql(" > ");
  sql.Value(db::ToParam(after)).Sql(" ORDER BY ").Name(id).Sql(" LIMIT ");
  sql.Value(db::ToParam(static_cast<std::int64_t>(limit)));
  return crud_sql::IdsOf(env.Execute(sql));
}

}  // namespace

std::vector<std::string> ComputeNewStoredFields(const Environment& env, const std::vector<FieldRef>& fields,
                                                std::size_t batch) {
  // By model, so the fields one method computes run once per batch.
  std::map<const Model*, std::vector<const Field*>> by_model;
  for (const FieldRef& ref : fields) {
    const Model* model = env.registry().FindModel(ref.model);
    const Field* field = model == nullptr ? nullptr : model->FindField(ref.field);
    if (field == nullptr) throw std::logic_error("no field " + ref.model + "." + ref.field + " to compute");
    by_model[model].push_back(field);
  }
  Value context = env.context();
  context["active_test"] = false;
  const Environment su = env.Sudo().WithContext(std::move(context));
  std::vector<std::string> done;
  for (const auto& [model, model_fields] : by_model) {
    std::size_t records = 0;
    for (std::int64_t last = 0;;) {
      const std::vector<std::int64_t> ids = NextIds(su, *model, last, batch);
      if (ids.empty()) break;
      compute::Pending pending;
      for (const Field* field : model_fields) pending[field].insert(ids.begin(), ids.end());
      compute::Recompute(su, std::move(pending));
      records += ids.size();
      last = ids.back();
    }
    std::string names;
    for (const Field* field : model_fields) names += (names.empty() ? "" : ", ") + field->name();
    done.push_back(model->name() + " " + names + " on " + std::to_string(records) +
                   (records == 1 ? " record" : " records"));
  }
  return done;
}

}  // namespace citadel::orm
