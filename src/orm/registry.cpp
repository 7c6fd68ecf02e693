#include "orm/registry.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "orm/compute_new_records.hpp"
#include "orm/errors.hpp"
#include "orm/field_path.hpp"

namespace citadel::orm {
namespace {

using core::ErrorCode;
using core::Fail;

// Field and model names become SQL identifiers: a strict pattern, checked here
// once, is what lets generated SQL use them without quoting tricks.
bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '_';
  });
}

bool IsModelName(std::string_view name) {
  if (name.empty() || name.size() > 60 || name.front() == '.' || name.back() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '_' || c == '.';
  });
}

std::string Where(const std::string& module, const std::string& model, const std::string& field = "") {
  std::string out = "module " + module + ", model " + model;
  if (!field.empty()) out += ", field " + field;
  return out;
}

// Why `path` cannot be one of `model`'s rec_names_search, or nothing: each
// segment a field, every one but the last relational (comodels by name: the
// models' pointers are not all resolved yet when this runs).
std::optional<std::string> RecNameSearchProblem(const Registry& registry, const Model& model,
                                                const std::string& path) {
  const Model* current = &model;
  const std::deque<std::string> segments = SplitFieldPath(path);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Field* field = current->FindField(segments[i]);
    if (field == nullptr) return "no field " + segments[i] + " on " + current->name();
    if (i + 1 == segments.size()) return std::nullopt;
    current = field->def().comodel.empty() ? nullptr : registry.FindModel(field->def().comodel);
    if (current == nullptr) return segments[i] + " is not relational";
  }
  return std::nullopt;
}

FieldDef AutoField(std::string name, FieldType type, std::string label) {
  FieldDef f;
  f.name = std::move(name);
  f.type = type;
  f.string = std::move(label);
  f.readonly = true;
  f.copy = false;
  return f;
}

std::string LabelFromName(const std::string& name) {
  std::string base = name;
  for (const char* suffix : {"_ids", "_id"}) {
    std::string_view s(suffix);
    if (base.size() > s.size() && base.ends_with(s)) {
      base.resize(base.size() - s.size());
      break;
    }
  }
  std::string label;
  bool upper = true;
  for (char c : base) {
    if (c == '_') {
      label.push_back(' ');
      upper = true;
      continue;
    }
    label.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return label;
}

// The type-specific options a field may and must have.
core::Result<void> CheckFieldShape(const FieldDef& f, const std::string& where) {
  if (!IsIdentifier(f.name)) return Fail(ErrorCode::kInvalidArgument, where + ": bad field name");
  const bool relational = IsRelational(f.type);
  const bool related = !f.related.empty();  // its type and comodel may come from the target
  if (relational && f.comodel.empty() && !related) {
    return Fail(ErrorCode::kInvalidArgument, where + ": a relational field needs a comodel");
  }
  if (!relational && !f.comodel.empty()) {
    return Fail(ErrorCode::kInvalidArgument, where + ": only relational fields have a comodel");
  }
  if (f.type == FieldType::kOne2many && f.inverse_name.empty() && !related) {
    return Fail(ErrorCode::kInvalidArgument, where + ": a one2many needs inverse_name");
  }
  if (f.type == FieldType::kSelection && f.selection.empty() && f.related.empty() && f.compute.empty()) {
    return Fail(ErrorCode::kInvalidArgument, where + ": a selection needs its values");
  }
  if (f.size && (f.type != FieldType::kChar || *f.size < 1)) {
    return Fail(ErrorCode::kInvalidArgument, where + ": size is for char fields, at least 1");
  }
  if (f.digits && f.type != FieldType::kFloat) {
    return Fail(ErrorCode::kInvalidArgument, where + ": digits are for float fields");
  }
  if (f.type == FieldType::kMany2many) {
    for (const auto* name : {&f.relation, &f.column1, &f.column2}) {
      if (!name->empty() && !IsIdentifier(*name)) {
        return Fail(ErrorCode::kInvalidArgument, where + ": bad many2many table or column name");
      }
    }
  }
  if (!f.compute.empty() && !f.related.empty()) {
    return Fail(ErrorCode::kInvalidArgument, where + ": a field is computed or related, not both");
  }
  if (!f.inverse.empty() && f.compute.empty()) {
    return Fail(ErrorCode::kInvalidArgument, where + ": an inverse is for a computed field");
  }
  if (related && IsX2many(f.type) && f.store.value_or(false)) {
    return Fail(ErrorCode::kInvalidArgument, where + ": a related x2many cannot be stored");
  }
  return {};
}

// Odoo's defaults for store, readonly and copy (fields.py, _get_attrs):
// computed and related fields are not stored, computed ones are readonly
// unless they have an inverse, related ones readonly; neither is copied
// (a stored, editable computed field is), nor is a one2many.
void ResolveFlags(FieldDef& f) {
  const bool computed = !f.compute.empty();
  const bool related = !f.related.empty();
  f.store = f.store.value_or(!computed && !related);
  f.readonly = f.readonly.value_or(computed ? f.inverse.empty() : related);
  bool copy = f.type != FieldType::kOne2many;
  if (related || (computed && !(f.store.value() && !f.readonly.value()))) copy = false;
  f.copy = f.copy.value_or(copy);
}

// A module's display_name with a compute replaces the automatic one (Odoo's
// _compute_display_name override); it stays a non-stored char.
bool OverridesDisplayName(const FieldDef& f) { return f.name == "display_name" && !f.compute.empty(); }

}  // namespace

// Exposed names: never private (a leading '_' is never callable, whatever a
// module says), and each a default method or one the model has; module
// methods do not replace the ORM's own.
core::Result<void> RegistryBuilder::CheckMethods(const Model& model) {
  const std::string where = Where(model.modules_.front(), model.name_);
  for (const auto& name : model.exposed_) {
    if (name.empty() || name.front() == '_') {
      return Fail(ErrorCode::kInvalidArgument, where + ": method " + name + " is private and can never be exposed");
    }
    if (!DefaultExposedMethods().count(name) && !model.methods_.count(name)) {
      return Fail(ErrorCode::kNotFound, where + ": exposed method " + name + " has no implementation");
    }
  }
  for (const auto& [name, method] : model.methods_) {
    if (DefaultExposedMethods().count(name)) {
      return Fail(ErrorCode::kInvalidArgument, where + ": method " + name + " is the ORM's own");
    }
    if (!method) return Fail(ErrorCode::kInvalidArgument, where + ": method " + name + " is empty");
  }
  for (const auto& name : model.model_methods_) {
    if (!model.methods_.count(name)) {
      return Fail(ErrorCode::kNotFound, where + ": model method " + name + " has no implementation");
    }
  }
  return {};
}

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kChar: return "char";
    case FieldType::kText: return "text";
    case FieldType::kHtml: return "html";
    case FieldType::kInteger: return "integer";
    case FieldType::kFloat: return "float";
    case FieldType::kMonetary: return "monetary";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kDate: return "date";
    case FieldType::kDatetime: return "datetime";
    case FieldType::kSelection: return "selection";
    case FieldType::kMany2one: return "many2one";
    case FieldType::kOne2many: return "one2many";
    case FieldType::kMany2many: return "many2many";
    case FieldType::kBinary: return "binary";
  }
  return "char";
}

bool IsRelational(FieldType t) {
  return t == FieldType::kMany2one || t == FieldType::kOne2many || t == FieldType::kMany2many;
}
bool IsX2many(FieldType t) { return t == FieldType::kOne2many || t == FieldType::kMany2many; }

std::string TableNameOf(const std::string& model_name) {
  std::string table = model_name;
  std::replace(table.begin(), table.end(), '.', '_');
  return table;
}

const std::set<std::string, std::less<>>& DefaultExposedMethods() {
  static const std::set<std::string, std::less<>> kMethods = {
      "search",       "search_count",       "search_read",       "read",
      "create",       "write",              "unlink",            "copy",
      "name_search",  "name_create",        "default_get",       "fields_get",
      "read_group",   "check_access_rights", "check_access_rule", "check_access",
      "has_access",
  };
  return kMethods;
}

const Field* Model::FindField(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

bool Model::IsExposed(std::string_view method) const {
  if (method.empty() || method.front() == '_') return false;  // never, whatever a module says
  return DefaultExposedMethods().count(method) != 0 || exposed_.count(method) != 0;
}

const Model* Registry::FindModel(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

void RegistryBuilder::AddModel(const std::string& module, ModelDef def) {
  models_.push_back({module, std::move(def)});
}

void RegistryBuilder::ExtendModel(const std::string& module, ModelExtension extension) {
  extensions_.push_back({module, std::move(extension)});
}

core::Result<std::shared_ptr<const Registry>> RegistryBuilder::Build() {
  auto registry = std::shared_ptr<Registry>(new Registry());
  auto add_field = [](Model& model, FieldDef def, const std::string& module) -> core::Result<void> {
    std::string where = Where(module, model.name_, def.name);
    if (auto shape = CheckFieldShape(def, where); !shape) return shape;
    // A related field's label is its target's, copied once paths resolve.
    if (def.string.empty() && def.related.empty()) def.string = LabelFromName(def.name);
    if (auto it = model.by_name_.find(def.name); it != model.by_name_.end()) {
      Field& existing = const_cast<Field&>(*it->second);
      if (!OverridesDisplayName(def) || !existing.def_.compute.empty()) {
        return Fail(ErrorCode::kAlreadyExists, where + ": the model already has this field");
      }
      def.type = FieldType::kChar;
      def.store = false;
      def.readonly = true;
      def.copy = false;
      existing.def_ = std::move(def);
      existing.module_ = module;
      return {};
    }
    ResolveFlags(def);
    auto field = std::make_unique<Field>();
    field->def_ = std::move(def);
    field->model_ = &model;
    field->module_ = module;
    model.by_name_[field->def_.name] = field.get();
    model.fields_.push_back(std::move(field));
    return {};
  };

  // 1. Models, each with its automatic fields first.
  for (auto& pending : models_) {
    auto& def = pending.def;
    if (!IsModelName(def.name)) {
      return Fail(ErrorCode::kInvalidArgument, "module " + pending.module + ": bad model name '" + def.name + "'");
    }
    if (registry->by_name_.count(def.name)) {
      return Fail(ErrorCode::kAlreadyExists, Where(pending.module, def.name) +
                                                 ": declared twice (extend it with ExtendModel)");
    }
    auto model = std::make_unique<Model>();
    model->name_ = def.name;
    model->table_ = TableNameOf(def.name);
    model->description_ = def.description.empty() ? def.name : def.description;
    model->order_text_ = def.order;
    model->rec_name_text_ = def.rec_name;
    model->rec_names_search_ = def.rec_names_search;
    model->parent_text_ = def.parent_name;
    model->modules_.push_back(pending.module);
    model->sql_constraints_ = def.sql_constraints;
    model->computes_ = def.computes;
    model->inverses_ = def.inverses;
    model->after_create_ = def.after_create;
    model->after_write_ = def.after_write;
    model->exposed_.insert(def.exposed_methods.begin(), def.exposed_methods.end());
    model->methods_.insert(def.methods.begin(), def.methods.end());
    model->model_methods_.insert(def.model_methods.begin(), def.model_methods.end());
    model->copy_data_ = def.copy_data;
    model->log_access_ = def.log_access;
    model->auto_table_ = def.auto_table;
    model->init_sql_ = def.init_sql;
    FieldDef id = AutoField("id", FieldType::kInteger, "ID");
    std::vector<FieldDef> automatic = {id};
    FieldDef create_uid = AutoField("create_uid", FieldType::kMany2one, "Created by");
    create_uid.comodel = "res.users";
    FieldDef write_uid = AutoField("write_uid", FieldType::kMany2one, "Last Updated by");
    write_uid.comodel = "res.users";
    if (def.log_access) {
      automatic.push_back(create_uid);
      automatic.push_back(AutoField("create_date", FieldType::kDatetime, "Created on"));
      automatic.push_back(write_uid);
      automatic.push_back(AutoField("write_date", FieldType::kDatetime, "Last Updated on"));
    }
    FieldDef display_name = AutoField("display_name", FieldType::kChar, "Display Name");
    display_name.store = false;
    automatic.push_back(display_name);
    for (auto& f : automatic) {
      if (auto added = add_field(*model, std::move(f), pending.module); !added) {
        return core::Unexpected(added.error());
      }
    }
    for (auto& f : def.fields) {
      if (auto added = add_field(*model, std::move(f), pending.module); !added) {
        return core::Unexpected(added.error());
      }
    }
    registry->by_name_[model->name_] = model.get();
    registry->models_.push_back(std::move(model));
  }

  // 2. Extensions, in module order.
  for (auto& pending : extensions_) {
    auto it = registry->by_name_.find(pending.extension.model);
    if (it == registry->by_name_.end()) {
      return Fail(ErrorCode::kNotFound, "module " + pending.module + " extends unknown model " +
                                            pending.extension.model);
    }
    Model& model = const_cast<Model&>(*it->second);
    model.modules_.push_back(pending.module);
    for (auto& f : pending.extension.fields) {
      if (auto added = add_field(model, std::move(f), pending.module); !added) {
        return core::Unexpected(added.error());
      }
    }
    for (auto& c : pending.extension.sql_constraints) model.sql_constraints_.push_back(c);
    for (auto& [name, fn] : pending.extension.computes) model.computes_[name] = fn;
    for (auto& [name, fn] : pending.extension.inverses) model.inverses_[name] = fn;
    for (auto& hook : pending.extension.after_create) model.after_create_.push_back(hook);
    for (auto& hook : pending.extension.after_write) model.after_write_.push_back(hook);
    model.exposed_.insert(pending.extension.exposed_methods.begin(),
                          pending.extension.exposed_methods.end());
    for (auto& [name, fn] : pending.extension.methods) model.methods_[name] = fn;
    model.model_methods_.insert(pending.extension.model_methods.begin(),
                                pending.extension.model_methods.end());
    for (auto& fn : pending.extension.copy_data) model.copy_data_.push_back(fn);
  }

  // Related fields take their type, comodel... from their target: before
  // comodels are resolved below.
  if (auto related = ResolveRelated(*registry); !related) return core::Unexpected(related.error());

  // 3. Cross-references: comodels, inverses, link tables, special fields, orders.
  for (auto& model_ptr : registry->models_) {
    Model& model = *model_ptr;
    for (auto& field_ptr : model.fields_) {
      Field& field = *field_ptr;
      FieldDef& def = field.def_;
      std::string where = Where(field.module_, model.name_, def.name);
      if (IsRelational(def.type)) {
        const Model* comodel = registry->FindModel(def.comodel);
        if (!comodel) return Fail(ErrorCode::kNotFound, where + ": unknown comodel " + def.comodel);
        field.comodel_ = comodel;
      }
      if (def.type == FieldType::kOne2many && def.related.empty()) {
        const Field* inverse = field.comodel_->FindField(def.inverse_name);
        if (!inverse || inverse->type() != FieldType::kMany2one || inverse->def().comodel != model.name_) {
          return Fail(ErrorCode::kInvalidArgument,
                      where + ": inverse_name " + def.inverse_name + " is not a many2one to " + model.name_);
        }
        field.inverse_ = inverse;
      }
      if (def.type == FieldType::kMany2many && def.related.empty()) {
        // Odoo's derivation: <model1>_<model2>_rel with the two tables sorted.
        std::string a = model.table_, b = field.comodel_->table_;
        if (def.relation.empty()) def.relation = std::min(a, b) + "_" + std::max(a, b) + "_rel";
        if (def.column1.empty()) def.column1 = a + "_id";
        if (def.column2.empty()) def.column2 = b == a ? b + "_id2" : b + "_id";
        if (!IsIdentifier(def.relation) || def.column1 == def.column2) {
          return Fail(ErrorCode::kInvalidArgument, where + ": bad many2many link table");
        }
      }
      if (!def.compute.empty() && !model.computes_.count(def.compute)) {
        return Fail(ErrorCode::kNotFound, where + ": unknown compute method " + def.compute);
      }
      if (!def.inverse.empty() && !model.inverses_.count(def.inverse)) {
        return Fail(ErrorCode::kNotFound, where + ": unknown inverse method " + def.inverse);
      }
    }
    if (const Field* active = model.FindField("active"); active && active->type() == FieldType::kBoolean) {
      model.active_ = active;
    }
    std::string rec = model.rec_name_text_.empty() ? "name" : model.rec_name_text_;
    model.rec_name_ = model.FindField(rec);
    if (!model.rec_name_text_.empty() && !model.rec_name_) {
      return Fail(ErrorCode::kNotFound, Where(model.modules_.front(), model.name_) + ": rec_name " + rec + " is no field");
    }
    for (const std::string& path : model.rec_names_search_) {
      if (auto problem = RecNameSearchProblem(*registry, model, path)) {
        return Fail(ErrorCode::kNotFound, Where(model.modules_.front(), model.name_) + ": rec_names_search " +
                                              path + ": " + *problem);
      }
    }
    if (!model.parent_text_.empty()) {
      model.parent_ = model.FindField(model.parent_text_);
      if (!model.parent_ || model.parent_->type() != FieldType::kMany2one ||
          model.parent_->def().comodel != model.name_) {
        return Fail(ErrorCode::kInvalidArgument, Where(model.modules_.front(), model.name_) +
                                                     ": parent_name must be a many2one to the model itself");
      }
    }
  }

  // 3b. Methods: what is exposed exists, and nothing private is.
  for (auto& model_ptr : registry->models_) {
    if (auto checked = CheckMethods(*model_ptr); !checked) return core::Unexpected(checked.error());
  }

  // 4. Paths (related, depends) and orders, now that every field exists.
  for (auto& model_ptr : registry->models_) {
    Model& model = *model_ptr;
    for (auto& field_ptr : model.fields_) {
      const FieldDef& def = field_ptr->def_;
      std::string where = Where(field_ptr->module_, model.name_, def.name);
      std::vector<std::string> paths = def.depends;
      if (!def.related.empty()) paths.push_back(def.related);
      for (const auto& path : paths) {
        const Model* current = &model;
        std::size_t start = 0;
        while (true) {
          auto dot = path.find('.', start);
          std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
          const Field* step = current ? current->FindField(part) : nullptr;
          if (!step) return Fail(ErrorCode::kNotFound, where + ": path " + path + " does not resolve at " + part);
          if (dot == std::string::npos) break;
          current = step->comodel();
          start = dot + 1;
        }
      }
    }
    // (paths checked; the compute triggers are resolved below)
    try {
      model.default_order_ = ParseOrder(model, model.order_text_);
    } catch (const ValidationError& e) {
      return Fail(ErrorCode::kInvalidArgument, Where(model.modules_.front(), model.name_) + ": order: " + e.what());
    }
  }
  if (auto triggers = ResolveDependencies(*registry); !triggers) return core::Unexpected(triggers.error());
  // Last: it reads the dependencies and display names resolved above.
  for (auto& model : registry->models_) {
    model->new_record_plan_ = std::make_shared<const compute::NewRecordPlan>(compute::PlanNewRecords(*model));
  }
  return std::shared_ptr<const Registry>(std::move(registry));
}

}  // namespace citadel::orm
