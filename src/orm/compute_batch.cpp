// ComputeBatch: the dependency values a compute method reads, loaded before
// the call with one Read (in su) per model reached at each path segment, and
// the values it sets.
#include <stdexcept>
#include <string>

#include "orm/compute.hpp"
#include "orm/compute_engine.hpp"
#include "orm/compute_new_values.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace compute {
namespace {

std::pair<std::string, std::string> SplitFirst(const std::string& path) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) return {path, ""};
  return {path.substr(0, dot), path.substr(dot + 1)};
}

std::int64_t TargetId(const Value& many2one) {
  if (many2one.is_array() && !many2one.empty() && many2one[0].is_number_integer()) return many2one[0].get<std::int64_t>();
  if (many2one.is_number_integer()) return many2one.get<std::int64_t>();
  return 0;
}

}  // namespace

std::map<std::string, std::vector<Value>, std::less<>> LoadPaths(const Environment& su, const Model& model,
                                                                 const std::vector<std::int64_t>& ids,
                                                                 const std::set<std::string, std::less<>>& paths) {
  std::map<std::string, std::vector<Value>, std::less<>> out;
  // first segment -> the rest of each path through it ("" for itself)
  std::map<std::string, std::set<std::string, std::less<>>> by_first;
  for (const auto& path : paths) {
    auto [first, rest] = SplitFirst(path);
    by_first[first].insert(rest);
  }
  std::vector<std::string> names;
  for (const auto& [first, rest] : by_first) names.push_back(first);
  Value rows = Value::array();
  if (!ids.empty()) {
    // Read with no names reads every field: ask for id alone then. x2many
    // values hide archived lines unless the context says otherwise, as a
    // compute reading them in Odoo sees them.
    rows = RecordSet(su, model, ids).Read(names.empty() ? std::vector<std::string>{"id"} : names);
  }
  for (const auto& [first, rests] : by_first) {
    const Field* field = model.FindField(first);
    std::vector<Value> own;
    own.reserve(ids.size());
    for (const Value& row : rows) own.push_back(first == "id" ? row["id"] : row.value(first, Value(false)));
    std::set<std::string, std::less<>> deeper;
    for (const auto& rest : rests) {
      if (!rest.empty()) deeper.insert(rest);
    }
    if (!deeper.empty() && field != nullptr && field->comodel() != nullptr) {
      std::vector<std::int64_t> targets;
      std::set<std::int64_t> seen;
      for (const Value& value : own) {
        if (value.is_array() && field->type() != FieldType::kMany2one) {
          for (const Value& id : value) {
            if (id.is_number_integer() && seen.insert(id.get<std::int64_t>()).second) targets.push_back(id.get<std::int64_t>());
          }
        } else if (std::int64_t id = TargetId(value); id > 0 && seen.insert(id).second) {
          targets.push_back(id);
        }
      }
      std::map<std::int64_t, std::size_t> index;
      for (std::size_t i = 0; i < targets.size(); ++i) index[targets[i]] = i;
      auto sub = LoadPaths(su, *field->comodel(), targets, deeper);
      for (const auto& rest : deeper) {
        std::vector<Value>& values = out[first + "." + rest];
        const std::vector<Value>& at_target = sub[rest];
        for (const Value& value : own) {
          if (field->type() == FieldType::kMany2one) {
            const std::int64_t id = TargetId(value);
            values.push_back(id > 0 ? at_target[index.at(id)] : Value(false));
          } else {
            Value list = Value::array();
            if (value.is_array()) {
              for (const Value& id : value) list.push_back(at_target[index.at(id.get<std::int64_t>())]);
            }
            values.push_back(std::move(list));
          }
        }
      }
    }
    if (rests.contains("")) out[first] = std::move(own);
  }
  return out;
}

}  // namespace compute

ComputeBatch::ComputeBatch(const Environment& env, const Model& model, std::vector<const Field*> fields,
                           std::vector<std::int64_t> ids)
    : env_(env.Sudo()), model_(&model), fields_(std::move(fields)), ids_(std::move(ids)), size_(ids_.size()) {
  std::set<std::string, std::less<>> declared;
  for (const Field* field : fields_) {
    results_[field].resize(size_);
    declared.insert(field->declared_paths().begin(), field->declared_paths().end());
  }
  values_ = compute::LoadPaths(env_, model, ids_, declared);
}

ComputeBatch::ComputeBatch(const Environment& env, const Model& model, std::vector<const Field*> fields,
                           std::vector<std::size_t> rows, compute::NewRecordValues& values)
    : env_(env.Sudo()),
      model_(&model),
      fields_(std::move(fields)),
      size_(rows.size()),
      rows_(std::move(rows)),
      new_records_(&values) {
  for (const Field* field : fields_) results_[field].resize(size_);
  // The paths without the ways to them (given when asked), all in one Load:
  // the linked records they reach are read together.
  bool loaded = false;
  if (fields_.size() == 1) {
    loaded = values.Load(fields_.front()->dependencies(), rows_, values_);
  } else {
    std::set<std::string, std::less<>> paths;
    for (const Field* field : fields_) paths.insert(field->dependencies().begin(), field->dependencies().end());
    loaded = values.Load(std::vector<std::string>(paths.begin(), paths.end()), rows_, values_);
  }
  if (!loaded) needed_database_ = true;
}

bool ComputeBatch::Declared(std::string_view path) const {
  for (const Field* field : fields_) {
    if (field->declared_paths().contains(path)) return true;
  }
  return false;
}

std::int64_t ComputeBatch::id(std::size_t i) const {
  if (new_records_ == nullptr) return ids_.at(i);
  const auto id = new_records_->Id(rows_.at(i));
  if (!id) {
    needed_database_ = true;  // no sequence to take it from: only the INSERT can give it
    return 0;
  }
  return *id;
}

const Environment& ComputeBatch::env() const {
  if (new_records_ != nullptr) needed_database_ = true;  // its queries would not see the new records
  return env_;
}

const Value& ComputeBatch::Unavailable() const {
  needed_database_ = true;
  static const Value kFalse(false);
  return kFalse;
}

void ComputeBatch::LoadOwnStoredFields() const {
  if (own_loaded_) return;
  own_loaded_ = true;
  std::set<std::string, std::less<>> names;
  for (const auto& field : model_->fields()) {
    if (field->stored() && !field->def().write_only && !values_.contains(field->name())) names.insert(field->name());
  }
  if (names.empty()) return;
  auto loaded = compute::LoadPaths(env_, *model_, ids_, names);
  for (auto& [path, values] : loaded) values_.emplace(path, std::move(values));
}

const Value& ComputeBatch::Get(std::size_t i, std::string_view path) const {
  if (i >= size_) throw std::out_of_range("ComputeBatch::Get: no record " + std::to_string(i));
  auto it = values_.find(path);
  if (it == values_.end() && needed_database_) return Unavailable();  // the results will not count
  if (it == values_.end() && new_records_ != nullptr && Declared(path)) {
    // A way to a dependency ("parent_id" of "parent_id.name"), given only
    // when asked: the many2one SetSelf gave is the id, which would be taken.
    const std::vector<std::string> one = {std::string(path)};
    if (!new_records_->Load(one, rows_, values_)) return Unavailable();
    it = values_.find(path);
  }
  if (it == values_.end()) {
    const Field* own = model_->FindField(path);
    if (own == nullptr || !own->stored() || own->def().write_only) {
      std::string computed;
      for (const Field* field : fields_) computed += (computed.empty() ? "" : ", ") + field->name();
      throw std::logic_error("compute of " + model_->name() + "." + computed + " reads " + std::string(path) +
                             ", which is not in its depends");
    }
    if (new_records_ != nullptr) {
      auto column = new_records_->Own(*own, rows_);
      if (!column) return Unavailable();
      it = values_.emplace(std::string(path), std::move(*column)).first;
    } else {
      LoadOwnStoredFields();
      it = values_.find(path);
    }
  }
  return it->second.at(i);
}

void ComputeBatch::Set(std::size_t i, std::string_view name, Value value) {
  if (i >= size_) throw std::out_of_range("ComputeBatch::Set: no record " + std::to_string(i));
  for (const Field* field : fields_) {
    if (field->name() != name) continue;
    if (value.is_null()) value = false;
    results_[field][i] = std::move(value);
    return;
  }
  throw std::logic_error("a compute of " + model_->name() + " sets " + std::string(name) +
                         ", a field it does not compute");
}

void ComputeBatch::SetSelf(std::size_t i, std::string_view name) {
  const Field* field = model_->FindField(name);
  if (field == nullptr || field->type() != FieldType::kMany2one || field->comodel() != model_) {
    throw std::logic_error("SetSelf of " + model_->name() + "." + std::string(name) +
                           ", which is no many2one to its own model");
  }
  if (new_records_ == nullptr) {
    Set(i, name, id(i));
  } else {
    if (i >= size_) throw std::out_of_range("ComputeBatch::SetSelf: no record " + std::to_string(i));
    Value itself = new_records_->Itself(rows_[i]);
    if (!itself.is_number_integer()) {
      needed_database_ = true;  // no sequence to take its id from: only the INSERT gives it
      return;
    }
    Set(i, name, std::move(itself));
  }
}

const Value* ComputeBatch::Result(std::size_t i, const Field& field) const {
  auto it = results_.find(&field);
  if (it == results_.end() || !it->second.at(i)) return nullptr;
  return &*it->second[i];
}

}  // namespace citadel::orm
