// RecordSet::NameSearch and NameCreate: Odoo 18's name_search (a search on
// display_name, as _search_display_name turns it into a domain: any of the
// model's rec_names_search, else the rec_name through the domain parser; the
// display names read in sudo as Odoo does) and name_create.
#include <optional>
#include <string>
#include <vector>

#include "orm/access_guard.hpp"
#include "orm/field_path.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

// Odoo's expression.NEGATIVE_TERM_OPERATORS: their terms are ANDed.
bool IsNegative(std::string_view op) {
  return op == "!=" || op == "not like" || op == "not ilike" || op == "not in";
}

Value TrueDomain() { return Value::array({Value::array({1, "=", 1})}); }
Value FalseDomain() { return Value::array({Value::array({0, "=", 1})}); }

// Odoo's expression.combine: `op` ("&" or "|") over normalised domains,
// dropping the unit and returning the zero as soon as one is it.
Value Combine(std::string_view op, const Value& unit, const Value& zero, const std::vector<Value>& domains) {
  Value items = Value::array();
  std::size_t count = 0;
  for (const Value& domain : domains) {
    if (domain == unit) continue;
    if (domain == zero) return zero;
    for (const Value& item : domain) items.push_back(item);
    ++count;
  }
  if (count == 0) return unit;
  Value result = Value::array();
  for (std::size_t i = 1; i < count; ++i) result.push_back(std::string(op));
  for (const Value& item : items) result.push_back(item);
  return result;
}

// The last field of a path of `model` (checked at Build).
const Field& LastField(const Model& model, const std::string& path) {
  const Model* current = &model;
  const Field* field = nullptr;
  for (const std::string& segment : SplitFieldPath(path)) {
    field = current->FindField(segment);
    if (field->comodel() != nullptr) current = field->comodel();
  }
  return *field;
}

// Odoo's field.convert_to_write for a name searched on a non-relational
// field; nullopt where Odoo's conversion raises ValueError (the field is
// then left out of the search, as Odoo does).
std::optional<Value> NameValueFor(const Field& field, const Value& name) {
  const FieldType type = field.type();
  if (type != FieldType::kInteger && type != FieldType::kFloat && type != FieldType::kMonetary) return name;
  if (name.is_number()) return name;
  if (!name.is_string()) return std::nullopt;
  const std::string& text = name.get_ref<const std::string&>();
  try {
    std::size_t used = 0;
    if (type == FieldType::kInteger) {
      const long long number = std::stoll(text, &used);
      if (used == text.size()) return Value(number);
    } else {
      const double number = std::stod(text, &used);
      if (used == text.size()) return Value(number);
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// Odoo 18's BaseModel._search_display_name(operator, value): the domain a
// search on display_name stands for. With _rec_names_search (ModelDef::
// rec_names_search) a term per field, ORed (ANDed for a negative operator);
// without, the display_name term itself, which the domain parser searches on
// the rec_name. `like ''` matches everything (nothing when negated).
Value DisplayNameDomain(const Model& model, std::string_view op, const Value& name) {
  const bool empty = name.is_null() || (name.is_boolean() && !name.get<bool>()) ||
                     (name.is_string() && name.get_ref<const std::string&>().empty());
  if (op.ends_with("like") && empty && op.find('=') == std::string_view::npos) {
    return IsNegative(op) ? FalseDomain() : TrueDomain();
  }
  if (model.rec_names_search().empty()) {
    return Value::array({Value::array({"display_name", std::string(op), name})});
  }
  std::vector<Value> domains;
  for (const std::string& path : model.rec_names_search()) {
    const Field& field = LastField(model, path);
    // A relational field searches its comodel's names.
    std::optional<Value> value = IsRelational(field.type()) ? std::optional<Value>(name) : NameValueFor(field, name);
    if (value) domains.push_back(Value::array({Value::array({path, std::string(op), *value})}));
  }
  return IsNegative(op) ? Combine("&", TrueDomain(), FalseDomain(), domains)
                        : Combine("|", FalseDomain(), TrueDomain(), domains);
}

// Odoo's expression.AND([[("display_name", op, name)], domain or []]).
Value NameDomain(const Model& model, std::string_view name, const Value& domain, std::string_view op) {
  const Value names = DisplayNameDomain(model, op, Value(std::string(name)));
  if (domain.is_null() || (domain.is_boolean() && !domain.get<bool>()) ||
      (domain.is_array() && domain.empty())) {
    return names;
  }
  if (!domain.is_array()) throw ValidationError("The domain of name_search must be a list.");
  return Combine("&", TrueDomain(), FalseDomain(), {names, NormalizeDomain(domain)});
}

// [[id, display_name], ...] in the ids' order, the names read in sudo.
Value IdNamePairs(const RecordSet& records) {
  Value pairs = Value::array();
  if (records.ids().empty()) return pairs;
  const Environment sudo = records.env().Sudo();
  const Value rows = RecordSet(sudo, records.model(), records.ids()).Read({"display_name"});
  for (const Value& row : rows) pairs.push_back(Value::array({row["id"], row["display_name"]}));
  return pairs;
}

}  // namespace

Value RecordSet::NameSearch(std::string_view name, const Value& domain, std::string_view op,
                            std::int64_t limit) const {
  if (op.empty()) op = "ilike";
  const std::vector<std::int64_t> ids =
      Search(NameDomain(*model_, name, domain, op), 0, limit > 0 ? std::optional(limit) : std::nullopt);
  return IdNamePairs(Browse(ids));
}

Value RecordSet::NameCreate(std::string_view name) const {
  const Field* rec_name = model_->rec_name();
  // Odoo logs "Cannot execute name_create, no _rec_name defined" and returns False.
  if (rec_name == nullptr) return false;
  Value vals = Value::object();
  vals[rec_name->name()] = std::string(name);
  const std::vector<std::int64_t> created = Create(vals);
  return IdNamePairs(Browse(created)).at(0);
}

}  // namespace citadel::orm
