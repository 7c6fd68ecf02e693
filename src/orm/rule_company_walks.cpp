#include "orm/rule_company_walks.hpp"

#include <optional>
#include <vector>

namespace citadel::orm {
namespace {

// The ids of a term's value, or nullopt when it holds anything else.
std::optional<std::vector<std::int64_t>> Ids(const Value& value) {
  std::vector<std::int64_t> ids;
  if (value.is_number_integer()) {
    ids.push_back(value.get<std::int64_t>());
    return ids;
  }
  if (!value.is_array()) return std::nullopt;
  for (const Value& item : value) {
    if (!item.is_number_integer()) return std::nullopt;
    ids.push_back(item.get<std::int64_t>());
  }
  return ids;
}

// The field a term walks through, when it is a many2one to res.company whose
// tree is walked along res.company's parent_id (what the cached tree holds).
bool WalksCompanies(const Model& model, const Value& name) {
  if (!name.is_string()) return false;
  const Field* field = model.FindField(name.get_ref<const std::string&>());
  if (field == nullptr || field->type() != FieldType::kMany2one || field->name() == "id") return false;
  const Model* comodel = field->comodel();
  if (comodel == nullptr || comodel->name() != "res.company") return false;
  // A many2one of res.company to itself is walked along that field, not the parent.
  if (comodel == &model && field != comodel->parent()) return false;
  return comodel->parent() != nullptr && comodel->parent()->name() == "parent_id";
}

}  // namespace

Value ResolveCompanyWalks(const Model& model, const Value& domain, const CompanyTree& tree) {
  if (!domain.is_array()) return domain;
  Value out = Value::array();
  for (const Value& item : domain) {
    if (item.is_array() && item.size() == 3 && item[1].is_string()) {
      const std::string& op = item[1].get_ref<const std::string&>();
      if ((op == "child_of" || op == "parent_of") && WalksCompanies(model, item[0])) {
        if (auto ids = Ids(item[2])) {
          out.push_back(Value::array({item[0], "in", Value(tree.Walk(*ids, op == "child_of"))}));
          continue;
        }
      }
    }
    out.push_back(item);
  }
  return out;
}

}  // namespace citadel::orm
