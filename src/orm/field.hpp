// A field of a model, as a module declares it, and as the registry resolves it.
//
// A module describes a field with a FieldDef (plain data, built by
// ModelBuilder); the RegistryBuilder checks it (types, comodels, inverses,
// related paths, compute dependencies) and freezes it. After Build() a Field
// is immutable and shared by every thread.
//
// Column names equal field names; tables are the model name with '.' -> '_'
// (Odoo's rule), so an external client's view of the schema is Odoo's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "orm/value.hpp"

namespace citadel::orm {

enum class FieldType {
  kChar,
  kText,
  kHtml,
  kInteger,
  kFloat,
  kMonetary,
  kBoolean,
  kDate,
  kDatetime,
  kSelection,
  kMany2one,
  kOne2many,
  kMany2many,
  kBinary,
};

// Odoo's name for the type ("char", "many2one", ...), as fields_get reports it.
const char* FieldTypeName(FieldType type);
bool IsRelational(FieldType type);  // many2one, one2many, many2many
bool IsX2many(FieldType type);      // one2many, many2many

enum class OnDelete { kSetNull, kRestrict, kCascade };

class Environment;  // orm/environment.hpp: the caller, its context and transaction

// A boolean attribute whose default depends on the field's other attributes,
// as Odoo's `store`, `readonly` and `copy` do (false for computed and related
// fields). Unset in a FieldDef means "Odoo's default"; the RegistryBuilder
// resolves it, so every FieldDef of a built Registry holds a value. It does
// not convert to bool on purpose: `if (def.copy)` would silently test "set".
class FieldFlag {
 public:
  FieldFlag() = default;
  FieldFlag(bool value) : set_(true), value_(value) {}  // NOLINT: `f.store = false` reads as a bool
  bool is_set() const { return set_; }
  // The value; for an unset flag (only before Build), `fallback`.
  bool value_or(bool fallback) const { return set_ ? value_ : fallback; }
  // The resolved value: a flag of a built Registry's field is always set.
  bool value() const { return value_or(false); }

 private:
  bool set_ = false;
  bool value_ = false;
};

// A default: a constant, or a function of the environment (the current user,
// company, date...).
struct FieldDefault {
  std::optional<Value> constant;
  std::function<Value(const Environment&)> function;
};

struct FieldDef {
  std::string name;
  FieldType type = FieldType::kChar;
  std::string string;  // the label; derived from the name if empty ("partner_id" -> "Partner")
  std::string help;

  bool required = false;
  // Odoo's defaults when unset: readonly false, but true for a computed field
  // without inverse and for a related field; copy true, but false for
  // one2many, computed (unless stored and not readonly) and related fields;
  // store true, but false for computed and related fields (a stored one has a
  // column and is recomputed when its dependencies change).
  FieldFlag readonly;
  bool index = false;
  FieldFlag copy;   // copied by copy()
  FieldFlag store;  // false: no column; computed (or related) on read
  bool write_only = false;  // secrets (passwords): never read back by anyone

  std::optional<int> size;                  // char
  std::optional<std::pair<int, int>> digits;  // float: (precision, scale)
  std::vector<std::pair<std::string, std::string>> selection;  // (value, label)
  std::string currency_field;               // monetary: the many2one to res.currency

  // Relational.
  std::string comodel;       // many2one, one2many, many2many
  std::string inverse_name;  // one2many: the many2one on the comodel pointing back
  std::string relation;      // many2many: the link table (derived if empty)
  std::string column1;       // many2many: column to this model's id
  std::string column2;       // many2many: column to the comodel's id
  OnDelete ondelete = OnDelete::kSetNull;  // many2one
  std::vector<std::string> domain;  // reserved: a static domain, as text, for clients

  // Groups (external ids, "base.group_system") that may see the field at all;
  // empty: everyone with access to the model.
  std::vector<std::string> groups;

  std::optional<FieldDefault> default_value;

  // related="partner_id.country_id": a read-through (and write-through, with
  // the caller's rights) path, searchable through the path. type, comodel,
  // selection and string are copied from the path's last field when not
  // given (a related left as the default kChar takes the target's type).
  std::string related;
  // compute: the name of a compute method registered on the model
  // (ModelDef::computes, orm/compute.hpp), with the paths it depends on
  // ("parent_id.name"); stored computes are recomputed when a dependency
  // changes, non-stored ones on every read. Several fields may name the same
  // method: it sets them all.
  std::string compute;
  std::vector<std::string> depends;
  std::string inverse;  // ModelDef::inverses: writes a computed value back
};

}  // namespace citadel::orm
