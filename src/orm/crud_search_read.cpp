// RecordSet::SearchRead: Odoo's search_read, a search then a read of the
// found records in the search's order. The search passes AccessGuard (model
// access and read rules); the read of what it found does not ask again for
// the same answer in the same snapshot, only checks the fields.
#include "orm/record_set.hpp"

namespace citadel::orm {

Value RecordSet::SearchRead(const Value& domain, const std::vector<std::string>& fields,
                            std::int64_t offset, std::optional<std::int64_t> limit,
                            std::string_view order) const {
  std::vector<std::int64_t> ids = Search(domain, offset, limit, order);
  if (ids.empty()) {
    // Odoo returns [] without reading; the fields are still checked, so that
    // an empty result does not hide a bad or forbidden field name.
    Browse({}).ReadSearched(fields);
    return Value::array();
  }
  return Browse(std::move(ids)).ReadSearched(fields);
}

}  // namespace citadel::orm
