// RecordSet::NameSearch and NameCreate: Odoo 18's name_search (a search on
// display_name, which the domain parser searches on the rec_name, with the
// display names read in sudo as Odoo does) and name_create.
#include <string>

#include "orm/access_guard.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

// Odoo's expression.AND([[("display_name", op, name)], domain or []]).
Value NameDomain(std::string_view name, const Value& domain, std::string_view op) {
  Value term = Value::array({"display_name", std::string(op), std::string(name)});
  if (domain.is_null() || (domain.is_boolean() && !domain.get<bool>()) ||
      (domain.is_array() && domain.empty())) {
    return Value::array({term});
  }
  if (!domain.is_array()) throw ValidationError("The domain of name_search must be a list.");
  Value combined = Value::array({"&", term});
  for (const Value& item : NormalizeDomain(domain)) combined.push_back(item);
  return combined;
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
      Search(NameDomain(name, domain, op), 0, limit > 0 ? std::optional(limit) : std::nullopt);
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
