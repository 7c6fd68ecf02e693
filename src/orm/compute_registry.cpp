// The registry's part of computed and related fields (RegistryBuilder's
// ResolveRelated and ResolveDependencies): related paths resolved and their
// target's attributes copied, as Odoo's _setup_related_full does; then, for
// every stored computed field, the triggers its dependencies put on the fields
// they go through, as Odoo's _field_triggers: a change of such a field on some
// records means recomputing the computed field on the records found by
// walking the path backwards from them.
#include <deque>
#include <functional>
#include <set>
#include <string>

#include "orm/registry.hpp"
#include "orm/field_path.hpp"

namespace citadel::orm {
namespace {

using core::ErrorCode;
using core::Fail;

// Related fields through related fields, and dependencies through
// non-stored computed fields, are followed this deep at most: deeper is a
// cycle in all but name.
constexpr int kMaxHops = 16;
// Expanded dependency paths of one field, against combinatorial blow-up.
constexpr std::size_t kMaxPaths = 512;

std::string Where(const Field& field) {
  return "module " + field.module() + ", model " + field.model().name() + ", field " + field.name();
}

std::string JoinPath(const std::vector<const Field*>& fields) {
  std::string out;
  for (const Field* f : fields) out += (out.empty() ? "" : ".") + f->name();
  return out;
}

}  // namespace

core::Result<void> RegistryBuilder::ResolveRelated(Registry& registry) {
  // Depth-first, so that a related field whose path goes through (or ends
  // at) another related field sees that one's type and comodel.
  std::function<core::Result<void>(Field&, int)> resolve = [&](Field& field, int depth) -> core::Result<void> {
    if (field.def_.related.empty() || !field.related_path_.empty()) return {};
    const std::string where = Where(field);
    if (depth > kMaxHops) return Fail(ErrorCode::kInvalidArgument, where + ": related fields nest too deep (a cycle?)");
    const std::deque<std::string> parts = SplitFieldPath(field.def_.related);
    const Model* current = field.model_;
    std::vector<const Field*> path;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const Field* step = current != nullptr ? current->FindField(parts[i]) : nullptr;
      if (step == nullptr) {
        return Fail(ErrorCode::kNotFound, where + ": related path " + field.def_.related + " does not resolve at " + parts[i]);
      }
      if (auto inner = resolve(const_cast<Field&>(*step), depth + 1); !inner) return inner;
      path.push_back(step);
      if (i + 1 == parts.size()) break;
      if (!IsRelational(step->type())) {
        return Fail(ErrorCode::kInvalidArgument, where + ": related path " + field.def_.related +
                                                     " goes through " + parts[i] + ", which is not relational");
      }
      current = registry.FindModel(step->def().comodel);
    }
    const FieldDef& target = path.back()->def();
    FieldDef& def = field.def_;
    if (def.type == FieldType::kChar && target.type != FieldType::kChar) def.type = target.type;
    if (def.type != target.type) {
      return Fail(ErrorCode::kInvalidArgument, where + ": type " + FieldTypeName(def.type) +
                                                   " is inconsistent with its target's, " + FieldTypeName(target.type));
    }
    if (def.comodel.empty()) def.comodel = target.comodel;
    if (def.comodel != target.comodel) {
      return Fail(ErrorCode::kInvalidArgument, where + ": comodel " + def.comodel + " is not its target's, " + target.comodel);
    }
    if (def.selection.empty()) def.selection = target.selection;
    if (def.string.empty()) def.string = target.string;
    if (def.help.empty()) def.help = target.help;
    if (!def.size) def.size = target.size;
    if (!def.digits) def.digits = target.digits;
    if (def.currency_field.empty()) def.currency_field = target.currency_field;
    if (IsX2many(def.type)) {
      def.inverse_name = target.inverse_name;
      def.relation = target.relation;
      def.column1 = target.column1;
      def.column2 = target.column2;
    }
    field.related_path_ = std::move(path);
    return {};
  };
  for (auto& model : registry.models_) {
    for (auto& field : model->fields_) {
      if (auto done = resolve(*field, 0); !done) return done;
    }
  }
  return {};
}

core::Result<void> RegistryBuilder::ResolveDependencies(Registry& registry) {
  // The paths of fields a field's value comes from, expanded down to stored
  // fields: a related field stands for its path, a non-stored computed field
  // for its own dependencies, the automatic display_name for the rec_name.
  using Path = std::vector<const Field*>;
  struct Pending {
    std::deque<std::string> parts;
    const Model* model;
    Path done;
    int hops;
  };
  auto expand = [&](const Field& field, std::vector<Path>& out) -> core::Result<void> {
    const std::string where = Where(field);
    std::vector<Pending> todo;
    for (const auto& dependency : field.dependencies_) todo.push_back({SplitFieldPath(dependency), &field.model(), {}, 0});
    while (!todo.empty()) {
      Pending item = std::move(todo.back());
      todo.pop_back();
      if (item.hops > kMaxHops || out.size() > kMaxPaths) {
        return Fail(ErrorCode::kInvalidArgument, where + ": dependencies nest too deep (a cycle?)");
      }
      bool finished = true;
      while (!item.parts.empty()) {
        const std::string part = item.parts.front();
        item.parts.pop_front();
        const Field* step = item.model != nullptr ? item.model->FindField(part) : nullptr;
        if (step == nullptr) return Fail(ErrorCode::kNotFound, where + ": dependency does not resolve at " + part);
        if (!step->related_path_.empty() && !step->stored()) {
          for (auto it = step->related_path_.rbegin(); it != step->related_path_.rend(); ++it) {
            item.parts.push_front((*it)->name());
          }
          ++item.hops;
          continue;
        }
        if (!step->def_.compute.empty() && !step->stored() && !IsX2many(step->type()) && step != &field) {
          // Its value changes when its own dependencies do.
          for (const auto& dependency : step->dependencies_) {
            todo.push_back({SplitFieldPath(dependency), item.model, item.done, item.hops + 1});
          }
          finished = false;
          break;
        }
        if (step->name() == "display_name" && step->def_.compute.empty()) {
          if (step->model().rec_name() != nullptr && step->model().rec_name() != step) {
            item.parts.push_front(step->model().rec_name()->name());
            ++item.hops;
            continue;
          }
          finished = false;
          break;
        }
        item.done.push_back(step);
        if (item.parts.empty()) break;
        if (!IsRelational(step->type())) {
          return Fail(ErrorCode::kInvalidArgument, where + ": dependency goes through " + part + ", which is not relational");
        }
        item.model = step->comodel();
      }
      if (finished && !item.done.empty()) out.push_back(std::move(item.done));
    }
    return {};
  };

  for (auto& model : registry.models_) {
    for (auto& field : model->fields_) {
      if (!field->def_.related.empty()) {
        field->dependencies_ = {field->def_.related};
      } else if (!field->def_.compute.empty()) {
        field->dependencies_ = field->def_.depends;
      }
      for (const std::string& path : field->dependencies_) {
        for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1)) {
          field->declared_paths_.insert(path.substr(0, dot));
        }
        field->declared_paths_.insert(path);
      }
    }
  }
  for (auto& model : registry.models_) {
    for (auto& field_ptr : model->fields_) {
      Field& field = *field_ptr;
      if (!field.computed()) continue;
      for (const auto& dependency : field.dependencies_) {
        if (!field.stored() && SplitFieldPath(dependency).front() == field.name()) {
          return Fail(ErrorCode::kInvalidArgument, Where(field) + ": a non-stored computed field cannot depend on itself");
        }
      }
      std::vector<Path> paths;
      if (auto expanded = expand(field, paths); !expanded) return expanded;
      if (!field.stored()) continue;  // computed on read: nothing to trigger
      std::set<std::pair<const Field*, std::string>> seen;
      auto add = [&](const Field& on, Path before) {
        if (!seen.insert({&on, JoinPath(before)}).second) return;
        const_cast<Field&>(on).triggers_.push_back({&field, std::move(before)});
      };
      for (const Path& path : paths) {
        for (std::size_t i = 0; i < path.size(); ++i) {
          add(*path[i], Path(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i)));
          // A one2many changes when its lines' many2one back does.
          if (path[i]->type() == FieldType::kOne2many && path[i]->inverse() != nullptr) {
            add(*path[i]->inverse(), Path(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i) + 1));
          }
        }
      }
    }
  }
  return {};
}

}  // namespace citadel::orm
