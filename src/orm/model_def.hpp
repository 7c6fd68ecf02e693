// A model as a module declares it (ModelDef), and a module's additions to a
// model declared elsewhere (ModelExtension). Plain data: the RegistryBuilder
// merges and checks them in module order, then freezes them into a Registry.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "orm/field.hpp"

namespace citadel::orm {

class RecordSet;  // orm/record_set.hpp

// A compute method: fills the computed field(s) for every record of the set.
using ComputeMethod = std::function<void(RecordSet& records)>;

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
  std::string parent_name;   // the many2one for child_of / parent_of ("parent_id")
  bool transient = false;    // reserved for wizards
  std::vector<FieldDef> fields;
  std::vector<SqlConstraint> sql_constraints;
  std::map<std::string, ComputeMethod> computes;
  // Methods callable from outside, beyond the default CRUD list.
  std::set<std::string> exposed_methods;
};

// What another module adds to an existing model: fields, computes, methods.
struct ModelExtension {
  std::string model;
  std::vector<FieldDef> fields;
  std::vector<SqlConstraint> sql_constraints;
  std::map<std::string, ComputeMethod> computes;
  std::set<std::string> exposed_methods;
};

// Odoo's rule: "res.partner" -> "res_partner".
std::string TableNameOf(const std::string& model_name);

}  // namespace citadel::orm
