// The model registry: every model and field of the installed modules, resolved
// and checked once, then read by every thread without locks.
//
// Modules add ModelDefs and ModelExtensions to a RegistryBuilder in dependency
// order; Build() adds the automatic fields (id, create_uid, create_date,
// write_uid, write_date (these four unless log_access is off), display_name),
// merges extensions, and checks every name: field names are identifiers,
// types fit their options, comodels exist, one2many inverses are many2ones
// back, many2many link tables are derived or valid, related paths and compute
// dependencies resolve, default orders name stored fields. Any mistake fails
// Build() with a message naming the module, model and field, so a wrong name
// fails at start, never on a request.
//
// Identifiers in generated SQL come only from here: a Model's table and a
// Field's column are validated names, never input.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "orm/model_def.hpp"

namespace citadel::orm {
namespace compute {
struct NewRecordPlan;
}

class Model;
class Field;

// A stored computed field to recompute when another field changes: the
// records to recompute are found from the changed records by walking `path`
// backwards (records of path[i]'s model whose path[i] points at the records
// found so far); an empty path means the changed records themselves.
struct ComputeTrigger {
  const Field* computed = nullptr;
  std::vector<const Field*> path;
};

class Field {
 public:
  const FieldDef& def() const { return def_; }
  const std::string& name() const { return def_.name; }
  FieldType type() const { return def_.type; }
  // Has a column (related and computed fields only with store=true).
  bool stored() const { return def_.store.value() && !IsX2many(def_.type); }
  bool readonly() const { return def_.readonly.value(); }
  // Computed by a method or through a related path.
  bool computed() const { return !def_.compute.empty() || !def_.related.empty(); }
  // A related field's path, resolved (the last one is the target field).
  const std::vector<const Field*>& related_path() const { return related_path_; }
  // What a computed field depends on: `depends`, or the related path.
  const std::vector<std::string>& dependencies() const { return dependencies_; }
  // Those paths and the ways to them ("a.b.c" gives "a" and "a.b" too):
  // what its compute may read (ComputeBatch::Get).
  const std::set<std::string, std::less<>>& declared_paths() const { return declared_paths_; }
  // The stored computed fields to recompute when this field changes.
  const std::vector<ComputeTrigger>& triggers() const { return triggers_; }
  // The column in the model's table; only for stored fields.
  const std::string& column() const { return def_.name; }
  const Model& model() const { return *model_; }
  // The comodel of a relational field; null otherwise.
  const Model* comodel() const { return comodel_; }
  // one2many: the many2one on the comodel that points back.
  const Field* inverse() const { return inverse_; }
  // The module that declared the field ("base", "contacts").
  const std::string& module() const { return module_; }

 private:
  friend class RegistryBuilder;
  FieldDef def_;
  const Model* model_ = nullptr;
  const Model* comodel_ = nullptr;
  const Field* inverse_ = nullptr;
  std::string module_;
  std::vector<const Field*> related_path_;
  std::vector<std::string> dependencies_;
  std::set<std::string, std::less<>> declared_paths_;
  std::vector<ComputeTrigger> triggers_;
};

struct OrderTerm {
  enum class Nulls { kDefault, kFirst, kLast };
  const Field* field = nullptr;
  bool descending = false;
  Nulls nulls = Nulls::kDefault;
};

class Model {
 public:
  const std::string& name() const { return name_; }
  const std::string& table() const { return table_; }
  const std::string& description() const { return description_; }
  // The field, or null. Fields are kept in declaration order.
  const Field* FindField(std::string_view name) const;
  const std::vector<std::unique_ptr<Field>>& fields() const { return fields_; }
  const std::vector<OrderTerm>& default_order() const { return default_order_; }
  const Field* rec_name() const { return rec_name_; }
  // ModelDef::rec_names_search, each path checked at Build.
  const std::vector<std::string>& rec_names_search() const { return rec_names_search_; }
  const Field* parent() const { return parent_; }  // for child_of / parent_of; may be null
  const Field* active() const { return active_; }   // the `active` boolean, if the model has one
  const std::vector<SqlConstraint>& sql_constraints() const { return sql_constraints_; }
  const std::map<std::string, ComputeMethod>& computes() const { return computes_; }
  const std::map<std::string, InverseMethod>& inverses() const { return inverses_; }
  // Hooks, the model's own first, then each extension's in module order.
  const std::vector<AfterCreateHook>& after_create() const { return after_create_; }
  const std::vector<AfterWriteHook>& after_write() const { return after_write_; }
  bool IsExposed(std::string_view method) const;
  // Module methods (ModelDef::methods) and which of them take no ids.
  const std::map<std::string, ModelMethod, std::less<>>& methods() const { return methods_; }
  bool IsModelLevelMethod(std::string_view method) const { return model_methods_.count(method) != 0; }
  const std::vector<CopyDataMethod>& copy_data() const { return copy_data_; }
  // Modules that declared or extended this model, in load order.
  const std::vector<std::string>& modules() const { return modules_; }
  // ModelDef::log_access, auto_table and init_sql.
  bool log_access() const { return log_access_; }
  bool auto_table() const { return auto_table_; }
  const std::vector<db::SqlText>& init_sql() const { return init_sql_; }
  // Which stored computes of a new record can be computed before its INSERT
  // (compute_new_records.hpp): judged from the registry alone, so once, at
  // Build, instead of on every create.
  const compute::NewRecordPlan& new_record_plan() const { return *new_record_plan_; }

 private:
  friend class RegistryBuilder;
  std::string name_;
  std::string table_;
  std::string description_;
  std::string order_text_;
  std::string rec_name_text_;
  std::vector<std::string> rec_names_search_;
  std::string parent_text_;
  std::vector<std::unique_ptr<Field>> fields_;
  std::map<std::string, const Field*, std::less<>> by_name_;
  std::vector<OrderTerm> default_order_;
  const Field* rec_name_ = nullptr;
  const Field* parent_ = nullptr;
  const Field* active_ = nullptr;
  std::vector<SqlConstraint> sql_constraints_;
  std::map<std::string, ComputeMethod> computes_;
  std::map<std::string, InverseMethod> inverses_;
  std::vector<AfterCreateHook> after_create_;
  std::vector<AfterWriteHook> after_write_;
  std::set<std::string, std::less<>> exposed_;
  std::map<std::string, ModelMethod, std::less<>> methods_;
  std::set<std::string, std::less<>> model_methods_;
  std::vector<CopyDataMethod> copy_data_;
  std::vector<std::string> modules_;
  bool log_access_ = true;
  bool auto_table_ = true;
  std::vector<db::SqlText> init_sql_;
  std::shared_ptr<const compute::NewRecordPlan> new_record_plan_;
};

class Registry {
 public:
  const Model* FindModel(std::string_view name) const;
  const std::vector<std::unique_ptr<Model>>& models() const { return models_; }

 private:
  friend class RegistryBuilder;
  std::vector<std::unique_ptr<Model>> models_;
  std::map<std::string, const Model*, std::less<>> by_name_;
};

class RegistryBuilder {
 public:
  // `module` names who declares it, for messages and for ir.model.data.
  void AddModel(const std::string& module, ModelDef def);
  void ExtendModel(const std::string& module, ModelExtension extension);

  // Resolves and checks everything; the first error names what is wrong.
  core::Result<std::shared_ptr<const Registry>> Build();

 private:
  struct Pending {
    std::string module;
    ModelDef def;
  };
  struct PendingExtension {
    std::string module;
    ModelExtension extension;
  };
  static core::Result<void> CheckMethods(const Model& model);
  std::vector<Pending> models_;
  std::vector<PendingExtension> extensions_;

  // compute_registry.cpp: related fields' paths and copied attributes;
  // every computed field's dependencies and the triggers they put on the
  // fields they go through.
  static core::Result<void> ResolveRelated(Registry& registry);
  static core::Result<void> ResolveDependencies(Registry& registry);
};

// Parses an order string ("name desc, id", "date desc nulls last") against a
// model: only stored, non-x2many fields of that model, each with an optional
// asc/desc and "nulls first|last", as Odoo's _order. Empty text gives no
// terms. A ValidationError names the bad term. Bounded: 1,024 characters.
std::vector<OrderTerm> ParseOrder(const Model& model, std::string_view order);

// The ORM's public methods, callable from outside on every model: Odoo 18's
// default list (method_dispatch.hpp calls them).
const std::set<std::string, std::less<>>& DefaultExposedMethods();

}  // namespace citadel::orm
