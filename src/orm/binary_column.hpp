// Internal to the CRUD files (crud_*.cpp): a binary field's column between
// the API's values (base64 text, bin_size strings) and the reference the
// column holds, with the tenant's FileStore in between. What clients see is
// described in binary_field.hpp. Not part of the ORM's API.
//
// Uses the Environment's thread, as the CRUD files do.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "db/connection.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"

namespace citadel::orm::crud {

// The text to bind in a binary field's column for `value`: the content is
// decoded and stored, its reference returned; false, null, "" give NULL.
// ValidationError naming the field for a value that is not base64 text or is
// larger than the store takes; UserError without a file store;
// FileStoreError when the store fails.
db::Param BinaryParam(const Environment& env, const Field& field, const Value& value);

// What Copy puts in its vals for a binary field: the source record's
// reference, which BinaryParam keeps as it is (the copy shares the file).
// A JSON binary value: no client codec produces one, so no client can name
// a reference.
Value SharedBinaryReference(std::string_view reference);

// The references `field` holds for `ids` (records without a value left out).
// No access check: the caller has read the records.
std::map<std::int64_t, std::string> BinaryReferences(const Environment& env, const Field& field,
                                                     std::span<const std::int64_t> ids);

// Turns the references Read selects into the values clients see: base64
// content, or the human size with `bin_size` in the context (Python's
// truthiness). A missing or damaged file reads as false and is logged, as
// Odoo's _file_read does; other store failures throw FileStoreError.
class BinaryReader {
 public:
  explicit BinaryReader(const Environment& env);
  Value Read(const Field& field, std::optional<std::string_view> reference) const;

 private:
  const Environment& env_;
  bool bin_size_;
};

}  // namespace citadel::orm::crud
