// RecordSet::SearchRead: Odoo's search_read, a search then a read of the
// found records in the search's order (each step through AccessGuard).
#include "orm/record_set.hpp"

namespace citadel::orm {

Value RecordSet::SearchRead(const Value& domain, const std::vector<std::string>& fields,
                            std::int64_t offset, std::optional<std::int64_t> limit,
                            std::string_view order) const {
  std::vector<std::int64_t> ids = Search(domain, offset, limit, order);
  if (ids.empty()) {
    // Odoo returns [] without reading; the fields are still checked, so that
    // an empty result does not hide a bad or forbidden field name.
    Browse({}).Read(fields);
    return Value::array();
  }
  return Browse(std::move(ids)).Read(fields);
}

}  // namespace citadel::orm
