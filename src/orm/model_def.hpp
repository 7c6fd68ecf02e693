// A model as a module declares it (ModelDef), and a module's additions to a
// model declared elsewhere (ModelExtension). Plain data: the RegistryBuilder
// merges and checks them in module order, then freezes them into a Registry.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "db/sql_text.hpp"
#include "orm/field.hpp"

namespace citadel::orm {

class RecordSet;     // orm/record_set.hpp
class ComputeBatch;  // orm/compute.hpp

// A compute method: sets the computed field(s) of every record of the batch
// from the values of their dependencies (orm/compute.hpp).
using ComputeMethod = std::function<void(ComputeBatch& batch)>;

// An inverse method (FieldDef::inverse): writes the values given for a
// computed field back to what it is computed from. Called after the records
// are created or written, with the caller's environment and the values given
// for the fields that name this inverse.
using InverseMethod = std::function<void(const RecordSet& records, const Value& vals)>;

// Model hooks, Odoo's overrides of create()/write(): called after the rows are
// inserted / updated and stored computes are recomputed, inside the same
// transaction, with the caller's environment (module code uses Sudo()
// explicitly where it must). A hook that writes runs the hooks again; the
// nesting is capped (kMaxHookDepth, compute.hpp) with a UserError.
using AfterCreateHook = std::function<void(const RecordSet& created, const Value& vals_list)>;
using AfterWriteHook = std::function<void(const RecordSet& records, const Value& vals)>;

// A method a module adds to a model, callable from RPC when exposed
// (method_dispatch.hpp): the records (empty for model-level methods), the
// positional arguments after the ids, and the keyword arguments (without
// `context`, which is already in the records' Environment). Returns what the
// client gets.
using ModelMethod =
    std::function<Value(const RecordSet& records, const Value& args, const Value& kwargs)>;

// Odoo's copy_data override: adjusts `vals` (the values the copy of `record`,
// one record, will be created with) given the caller's `default_values`.
using CopyDataMethod =
    std::function<void(const RecordSet& record, const Value& default_values, Value& vals)>;

// A SQL constraint, as Odoo's _sql_constraints: (name, definition, message).
// The definition is fixed text in the module's source, never input.
struct SqlConstraint {
  std::string name;        // e.g. "name_uniq"
  std::string definition;  // e.g. "unique(name)"
  std::string message;     // shown as a ValidationError when violated
};

struct ModelDef {
  std::string name;         // "res.partner"
  std::string description;  // "Contact"
  std::string order = "id";  // the default order, validated at build
  std::string rec_name;      // the field display_name comes from; default "name" if present
  // Odoo's _rec_names_search: the fields (paths) name_search matches, any of
  // them (all of them for a negative operator); empty: the rec_name.
  std::vector<std::string> rec_names_search;
  std::string parent_name;   // the many2one for child_of / parent_of ("parent_id")
  bool transient = false;    // reserved for wizards
  // Odoo's _log_access: the automatic create_uid, create_date, write_uid and
  // write_date fields (and columns). Without them a model may declare its own
  // create_date, as Odoo's res.users.apikeys does.
  bool log_access = true;
  // Odoo's _auto: false means SchemaSync makes no table, column, foreign key
  // or index for the model's fields; its table is made by `init_sql` (fixed
  // statements of the module's source, run in order by SchemaSync when the
  // table does not exist yet; never again, so a later change needs a new
  // model version of its own). For tables that hold columns no field may
  // expose: res.users.apikeys keeps its key hashes so. The statements must
  // make every column the model's stored fields read and write.
  bool auto_table = true;
  std::vector<db::SqlText> init_sql;
  std::vector<FieldDef> fields;
  std::vector<SqlConstraint> sql_constraints;
  std::map<std::string, ComputeMethod> computes;
  std::map<std::string, InverseMethod> inverses;
  std::vector<AfterCreateHook> after_create;
  std::vector<AfterWriteHook> after_write;
  // Methods callable from outside, beyond the default CRUD list.
  std::set<std::string> exposed_methods;
  // Module methods by name; those in model_methods take no ids (@api.model).
  std::map<std::string, ModelMethod> methods;
  std::set<std::string> model_methods;
  std::vector<CopyDataMethod> copy_data;  // applied in order, after Odoo's base copy_data
};

// What another module adds to an existing model: fields, computes, methods.
// Hooks are appended after the model's own (and earlier extensions'). A field
// named `display_name` with a compute overrides the automatic display name.
struct ModelExtension {
  std::string model;
  std::vector<FieldDef> fields;
  std::vector<SqlConstraint> sql_constraints;
  std::map<std::string, ComputeMethod> computes;
  std::map<std::string, InverseMethod> inverses;
  std::vector<AfterCreateHook> after_create;
  std::vector<AfterWriteHook> after_write;
  std::set<std::string> exposed_methods;
  std::map<std::string, ModelMethod> methods;
  std::set<std::string> model_methods;
  std::vector<CopyDataMethod> copy_data;
};

// Odoo's rule: "res.partner" -> "res_partner".
std::string TableNameOf(const std::string& model_name);

}  // namespace citadel::orm
