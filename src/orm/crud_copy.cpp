// RecordSet::Copy: Odoo 18's copy() = copy_data() then create(). copy_data
// reads, through Read (so read rights, rules and field groups apply), every
// field whose FieldDef::copy is set (the registry resolves Odoo's default:
// false for one2many, computed, related and automatic fields), archived
// lines included (active_test off, as Odoo); many2many become one (6, 0, ids)
// command, copied one2many lines are copied recursively as (0, 0, vals)
// commands (a record met twice is copied once, Odoo's __copy_data_seen);
// then the caller's `default_values` win, then the model's copy_data hooks.
// Create (create rights, create rules) makes the copies. Binary fields are
// read as sizes (bin_size: the same checks, no file opened) and the copy
// shares the source's file store reference: no data is copied.
#include <map>
#include <set>
#include <string>

#include "orm/binary_column.hpp"
#include "orm/crud_support.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

// Odoo's MAGIC_COLUMNS + parent_path: never copied, whatever a field says.
bool NeverCopied(const Field& field) {
  static const std::set<std::string, std::less<>> kBlacklist = {
      "id", "create_uid", "create_date", "write_uid", "write_date", "parent_path", "display_name"};
  return kBlacklist.count(field.name()) != 0;
}

using SeenIds = std::map<std::string, std::set<std::int64_t>>;

// One vals dict per record (null for a record already copied in this call).
std::vector<Value> CopyData(const RecordSet& records, const Value& default_values, SeenIds& seen) {
  const Model& model = records.model();
  std::vector<std::string> names;
  for (const auto& field : model.fields()) {
    if (!field->def().copy.value() || NeverCopied(*field) || field->def().write_only) continue;
    if (default_values.contains(field->name())) continue;
    // A binary without a column has nothing of its own to copy.
    if (field->type() == FieldType::kBinary && !crud::HasReferenceColumn(*field)) continue;
    names.push_back(field->name());
  }
  std::vector<Value> vals_list;
  if (records.ids().empty()) return vals_list;
  Value context = records.env().context();
  context["bin_size"] = true;
  const Environment sizes = records.env().WithContext(std::move(context));
  const Value rows = names.empty() ? Value::array() : RecordSet(sizes, model, records.ids()).Read(names);
  // Read leaves deleted records out, as Odoo's; Odoo's copy_data reads each
  // record's fields, which raises MissingError for a deleted one. Checked
  // after Read so that a record hidden by a rule is an AccessError first.
  crud::CheckExist(records.env(), model, records.ids());
  std::map<std::string, std::map<std::int64_t, std::string>> references;
  for (const std::string& name : names) {
    const Field& field = *model.FindField(name);
    if (crud::HasReferenceColumn(field)) {
      references[name] = crud::BinaryReferences(records.env(), field, records.ids());
    }
  }
  for (std::size_t i = 0; i < records.ids().size(); ++i) {
    const std::int64_t id = records.ids()[i];
    if (!seen[model.name()].insert(id).second) {
      vals_list.push_back(nullptr);
      continue;
    }
    Value vals = default_values;
    for (const std::string& name : names) {
      const Field& field = *model.FindField(name);
      const Value& value = rows[i][name];
      if (field.type() == FieldType::kMany2one) {
        vals[name] = value.is_array() ? value[0] : Value(false);
      } else if (field.type() == FieldType::kMany2many) {
        vals[name] = Value::array({Value::array({6, 0, value})});
      } else if (field.type() == FieldType::kOne2many) {
        std::vector<std::int64_t> lines = value.get<std::vector<std::int64_t>>();
        std::sort(lines.begin(), lines.end());  // Odoo: sorted(key='id')
        Value commands = Value::array();
        const RecordSet line_set(records.env(), *field.comodel(), lines);
        for (Value& line : CopyData(line_set, Value::object(), seen)) {
          if (!line.is_null()) commands.push_back(Value::array({0, 0, std::move(line)}));
        }
        vals[name] = std::move(commands);
      } else if (references.contains(name)) {
        const auto& of_field = references.at(name);
        auto it = of_field.find(id);
        vals[name] = value != false && it != of_field.end() ? crud::SharedBinaryReference(it->second)
                                                            : Value(false);
      } else {
        vals[name] = value;
      }
    }
    const RecordSet record = records.Browse({id});
    for (const CopyDataMethod& hook : model.copy_data()) hook(record, default_values, vals);
    vals_list.push_back(std::move(vals));
  }
  return vals_list;
}

}  // namespace

std::vector<std::int64_t> RecordSet::Copy(const Value& default_values) const {
  if (!default_values.is_null() && !default_values.is_object() &&
      !(default_values.is_boolean() && !default_values.get<bool>())) {
    throw ValidationError("The default values of copy must be a dictionary.");
  }
  const Value defaults = default_values.is_object() ? default_values : Value::object();
  Value context = env_->context();
  context["active_test"] = false;
  const Environment reading = env_->WithContext(std::move(context));
  SeenIds seen;
  const std::vector<Value> vals_list = CopyData(RecordSet(reading, *model_, ids_), defaults, seen);
  Value to_create = Value::array();
  for (const Value& vals : vals_list) {
    if (!vals.is_null()) to_create.push_back(vals);
  }
  if (to_create.empty()) return {};
  return Create(to_create);
}

CopyDataMethod RecordSet::CopyNameSuffix(std::string field) {
  return [field = std::move(field)](const RecordSet& record, const Value& default_values, Value& vals) {
    auto given = default_values.find(field);
    if (given != default_values.end() && !given->is_null() && *given != false && *given != "") return;
    const Value current = record.Read({field})[0][field];
    const std::string name = current.is_string() ? current.get<std::string>() : "False";
    vals[field] = name + " (copy)";
  };
}

}  // namespace citadel::orm
