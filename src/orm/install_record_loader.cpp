#include "orm/install_record_loader.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

std::vector<std::int64_t> SortedIds(const Value& list) {
  std::vector<std::int64_t> ids;
  for (const auto& id : list) {
    if (!id.is_number_integer()) return {-1};
    ids.push_back(id.get<std::int64_t>());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// Whether the value read (`current`) already is what `wanted` asks for.
bool Same(const Field& field, const Value& current, const Value& wanted) {
  switch (field.type()) {
    case FieldType::kMany2one: {
      const std::int64_t have = current.is_array() ? current[0].get<std::int64_t>() : 0;
      if (IsEmptyValue(wanted)) return have == 0;
      return wanted.is_number_integer() && wanted.get<std::int64_t>() == have;
    }
    case FieldType::kOne2many:
    case FieldType::kMany2many: {
      // Only a replacement (a plain list of ids, or one (6, 0, ids)) can be
      // compared; other commands are applied every time.
      Value ids = wanted;
      if (wanted.is_array() && wanted.size() == 1 && wanted[0].is_array() &&
          wanted[0].size() == 3 && wanted[0][0] == 6) {
        ids = wanted[0][2];
      }
      if (!ids.is_array() || std::any_of(ids.begin(), ids.end(), [](const Value& v) { return !v.is_number_integer(); })) {
        return false;
      }
      return SortedIds(ids) == SortedIds(current);
    }
    case FieldType::kFloat:
    case FieldType::kMonetary: {
      const double have = current.is_number() ? current.get<double>() : 0.0;
      const double want = wanted.is_number() ? wanted.get<double>() : 0.0;
      if (!wanted.is_number() && !IsEmptyValue(wanted)) return false;
      return std::fabs(have - want) <= 1e-9 * std::max(1.0, std::fabs(want));
    }
    case FieldType::kInteger:
      if (IsEmptyValue(wanted)) return current == 0;
      return wanted == current;
    case FieldType::kBoolean:
      return (wanted.is_boolean() && wanted.get<bool>()) == (current.is_boolean() && current.get<bool>()) &&
             (wanted.is_boolean() || wanted.is_null());
    case FieldType::kDatetime:
      if (wanted.is_string() && wanted.get_ref<const std::string&>().size() == 10) {
        return current == Value(wanted.get<std::string>() + " 00:00:00");
      }
      [[fallthrough]];
    default:
      if (IsEmptyValue(wanted)) return IsEmptyValue(current);
      return wanted == current;
  }
}

std::int64_t Create(const Environment& env, const Model& model, const Value& vals) {
  return RecordSet(env, model).Create(vals).at(0);
}

bool Exists(const Environment& env, const Model& model, std::int64_t id) {
  const Environment all = env.WithContext(Value{{"active_test", false}});
  return RecordSet(all, model).SearchCount(Value::array({Value::array({"id", "=", id})})) == 1;
}

}  // namespace

Value ChangedValues(const RecordSet& records, const Value& wanted) {
  std::vector<std::string> names;
  for (const auto& [name, value] : wanted.items()) names.push_back(name);
  if (names.empty()) return Value::object();
  const Value row = records.Read(names).at(0);
  Value changed = Value::object();
  for (const auto& [name, value] : wanted.items()) {
    const Field* field = records.model().FindField(name);
    if (field == nullptr || !Same(*field, row[name], value)) changed[name] = value;
  }
  return changed;
}

LoadOutcome LoadRecord(const Environment& env, LoadState& state, const DataRecord& record) {
  const Model& model = env.GetModel(record.model);
  const Value vals = ResolveRefs(model, record.values, state.ids);
  const XmlIdEntry* entry = state.ids.Find(record.xml_id);
  const bool again = !state.loaded.insert(record.xml_id).second;
  if (entry == nullptr) {
    state.ids.Put(env, record.xml_id, record.model, Create(env, model, vals), record.noupdate);
    return LoadOutcome::kCreated;
  }
  if (entry->model != record.model) {
    throw InstallDataError("external id " + record.xml_id + " already names a " + entry->model +
                           " record, not a " + record.model);
  }
  const bool keep = entry->noupdate && state.upgrading && !again;
  if (keep) return LoadOutcome::kKept;
  const std::int64_t res_id = entry->res_id;
  if (!Exists(env, model, res_id)) {
    // Deleted by the customer: an upgrade leaves it deleted when it was
    // noupdate (above); otherwise the module's record comes back.
    state.ids.Put(env, record.xml_id, record.model, Create(env, model, vals), record.noupdate);
    return LoadOutcome::kCreated;
  }
  Value updatable = Value::object();
  for (const auto& [name, value] : vals.items()) {
    const Field* field = model.FindField(name);
    if (field != nullptr && !field->def().write_only) updatable[name] = value;
  }
  const RecordSet existing = RecordSet(env, model).Browse({res_id});
  const Value changed = ChangedValues(existing, updatable);
  state.ids.Put(env, record.xml_id, record.model, res_id, record.noupdate);
  if (changed.empty()) return LoadOutcome::kUnchanged;
  existing.Write(changed);
  return LoadOutcome::kUpdated;
}

}  // namespace citadel::orm
