// RecordSet::FieldsGet: Odoo 18's fields_get. Each field's description holds
// the attributes Odoo's Field.get_description gives for its type (the
// `_description_*` properties of fields.py, hence in alphabetical order), the
// ones Odoo leaves out when None left out here too. Fields whose `groups` the
// user is in none of are omitted (Field.is_accessible, asked of AccessGuard);
// write-only fields are listed, as Odoo lists `password`.
#include <map>
#include <set>
#include <string>

#include "orm/access_guard.hpp"
#include "orm/crud_support.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

bool HasNumericAggregator(const Field& field) {
  const FieldType type = field.type();
  return field.name() != "id" && crud::HasColumn(field) &&
         (type == FieldType::kInteger || type == FieldType::kFloat || type == FieldType::kMonetary);
}

Value Depends(const Field& field) {
  Value depends = Value::array();
  if (!field.def().related.empty()) {
    depends.push_back(field.def().related);
  } else if (!field.def().compute.empty()) {
    for (const auto& path : field.def().depends) depends.push_back(path);
  } else if (field.name() == "display_name" && field.model().rec_name() != nullptr &&
             field.model().rec_name() != &field) {
    depends.push_back(field.model().rec_name()->name());
  }
  return depends;
}

bool Searchable(const Field& field) {
  // Odoo: store or a search method (related fields and display_name have one).
  return field.def().store.value() || IsX2many(field.type()) || !field.def().related.empty() ||
         field.name() == "display_name";
}

Value RelationalDomain(const FieldDef& def) {
  if (def.domain.empty()) return Value::array();
  if (def.domain.size() == 1) return def.domain.front();  // a domain as text, as Odoo's strings
  Value list = Value::array();
  for (const auto& item : def.domain) list.push_back(item);
  return list;
}

// Every attribute of `field`, keyed (and so ordered) by name.
std::map<std::string, Value> Describe(const Field& field) {
  const FieldDef& def = field.def();
  const bool column = crud::HasColumn(field);
  std::map<std::string, Value> d;
  if (HasNumericAggregator(field)) d["aggregator"] = "sum";
  d["change_default"] = false;
  d["company_dependent"] = false;
  d["default_export_compatible"] = false;
  d["depends"] = Depends(field);
  d["exportable"] = true;
  d["groupable"] = column || (field.type() == FieldType::kMany2many && def.store.value());
  if (!def.groups.empty()) {
    std::string groups;
    for (const auto& group : def.groups) groups += (groups.empty() ? "" : ",") + group;
    d["groups"] = groups;
  }
  if (!def.help.empty()) d["help"] = def.help;
  d["manual"] = false;
  d["name"] = def.name;
  d["readonly"] = def.readonly.value();
  if (!def.related.empty()) d["related"] = def.related;
  d["required"] = def.required;
  d["searchable"] = Searchable(field);
  d["sortable"] = column;
  d["store"] = def.store.value() || IsX2many(field.type());
  d["string"] = def.string;
  d["type"] = FieldTypeName(field.type());
  switch (field.type()) {
    case FieldType::kChar:
      if (def.size) d["size"] = *def.size;
      d["translate"] = false;
      d["trim"] = true;
      break;
    case FieldType::kText:
      d["translate"] = false;
      break;
    case FieldType::kHtml:
      d["sanitize"] = true;
      d["sanitize_attributes"] = true;
      d["sanitize_style"] = false;
      d["sanitize_tags"] = true;
      d["strip_classes"] = false;
      d["strip_style"] = false;
      d["translate"] = false;
      break;
    case FieldType::kFloat:
      if (def.digits) d["digits"] = Value::array({def.digits->first, def.digits->second});
      break;
    case FieldType::kMonetary: {
      std::string currency = def.currency_field;
      if (currency.empty() && field.model().FindField("currency_id")) currency = "currency_id";
      if (currency.empty() && field.model().FindField("x_currency_id")) currency = "x_currency_id";
      if (!currency.empty()) d["currency_field"] = currency;
      break;
    }
    case FieldType::kSelection: {
      Value selection = Value::array();
      for (const auto& [value, label] : def.selection) selection.push_back(Value::array({value, label}));
      d["selection"] = selection;
      break;
    }
    case FieldType::kBinary:
      d["attachment"] = true;
      break;
    case FieldType::kMany2one:
    case FieldType::kOne2many:
    case FieldType::kMany2many: {
      const Model& comodel = *field.comodel();
      // Odoo: comodel._parent_name (default "parent_id") is one of its fields.
      d["allow_hierachy_operators"] = comodel.parent() != nullptr || comodel.FindField("parent_id") != nullptr;
      d["context"] = Value::object();
      d["domain"] = RelationalDomain(def);
      d["relation"] = comodel.name();
      if (field.type() == FieldType::kOne2many) d["relation_field"] = def.inverse_name;
      break;
    }
    default:
      break;
  }
  return d;
}

}  // namespace

Value RecordSet::FieldsGet(const std::vector<std::string>& allfields,
                           const std::vector<std::string>& attributes) const {
  const std::set<std::string> wanted(allfields.begin(), allfields.end());
  const std::set<std::string> attrs(attributes.begin(), attributes.end());
  Value result = Value::object();
  for (const auto& field : model_->fields()) {
    if (!wanted.empty() && !wanted.count(field->name())) continue;
    if (!AccessGuard::InFieldGroups(*env_, *field)) continue;
    Value description = Value::object();
    for (auto& [key, value] : Describe(*field)) {
      if (attrs.empty() || attrs.count(key)) description[key] = std::move(value);
    }
    result[field->name()] = std::move(description);
  }
  return result;
}

}  // namespace citadel::orm
