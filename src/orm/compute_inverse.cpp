// After create/write: related fields written through to their target,
// inverse methods, and model hooks with their nesting bound.
#include <algorithm>
#include <string>

#include "orm/compute_engine.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm::compute {
namespace {

// Nesting of hooks on this thread. A counter, not a "current request": it
// only bounds how deep hooks that write (and so run hooks again) may go, and
// it is back to zero when the outermost hook returns or throws.
thread_local int hook_depth = 0;

class HookDepth {
 public:
  explicit HookDepth(const Model& model) {
    if (hook_depth >= kMaxHookDepth) {
      throw UserError("The hooks of " + model.name() + " nest deeper than " + std::to_string(kMaxHookDepth) +
                      " levels: a hook writes records whose hooks write again without end.");
    }
    ++hook_depth;
  }
  ~HookDepth() { --hook_depth; }
  HookDepth(const HookDepth&) = delete;
  HookDepth& operator=(const HookDepth&) = delete;
};

std::int64_t FirstId(const Value& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_array() && !value.empty() && value[0].is_number_integer()) return value[0].get<std::int64_t>();
  return 0;
}

// Odoo's _inverse_related: the record at the end of the path but its last
// field (read in su, as the related value is), then written as the caller.
void WriteThrough(const Environment& env, const Model& model, const std::vector<std::int64_t>& ids,
                  const Field& field, const Value& value) {
  const auto& path = field.related_path();
  const Field& last = *path.back();
  Value vals = Value::object();
  vals[last.name()] = value;
  if (path.size() == 1) {
    RecordSet(env, model, ids).Write(vals);
    return;
  }
  std::string prefix;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) prefix += (i ? "." : "") + path[i]->name();
  const auto loaded = LoadPaths(env.Sudo(), model, ids, {prefix});
  std::vector<std::int64_t> targets;
  for (const Value& target : loaded.at(prefix)) {
    const std::int64_t id = FirstId(target);  // through an x2many: its first record, as Odoo's first()
    if (id > 0 && std::find(targets.begin(), targets.end(), id) == targets.end()) targets.push_back(id);
  }
  if (!targets.empty()) RecordSet(env, *path[path.size() - 2]->comodel(), targets).Write(vals);
}

}  // namespace

void ApplyInverses(const Environment& env, const Model& model, const std::vector<std::int64_t>& ids,
                   const std::vector<std::pair<const Field*, Value>>& vals) {
  if (ids.empty() || vals.empty()) return;
  std::map<std::string, Value> by_method;
  for (const auto& [field, value] : vals) {
    if (!field->related_path().empty()) {
      WriteThrough(env, model, ids, *field, value);
    } else if (!field->def().inverse.empty()) {
      auto [it, inserted] = by_method.try_emplace(field->def().inverse, Value::object());
      it->second[field->name()] = value;
    }
  }
  for (const auto& [method, method_vals] : by_method) model.inverses().at(method)(RecordSet(env, model, ids), method_vals);
}

void RunAfterCreate(const Environment& env, const Model& model, const std::vector<std::int64_t>& ids,
                    const Value& vals_list) {
  if (model.after_create().empty() || ids.empty()) return;
  HookDepth depth(model);
  const RecordSet created(env, model, ids);
  for (const auto& hook : model.after_create()) hook(created, vals_list);
}

void RunAfterWrite(const Environment& env, const Model& model, const std::vector<std::int64_t>& ids,
                   const Value& vals) {
  if (model.after_write().empty() || ids.empty()) return;
  HookDepth depth(model);
  const RecordSet records(env, model, ids);
  for (const auto& hook : model.after_write()) hook(records, vals);
}

}  // namespace citadel::orm::compute
