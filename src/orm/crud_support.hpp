// Internal to the CRUD files (crud_*.cpp): values between the API's shapes
// and PostgreSQL's text, the split of a vals dict into columns and x2many
// commands, and x2many commands themselves. Not part of the ORM's API.
//
// Pure conversions are thread-safe; the rest uses the Environment's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/connection.hpp"
#include "orm/access_guard.hpp"
#include "orm/environment.hpp"
#include "orm/errors.hpp"
#include "orm/registry.hpp"

namespace citadel::orm::crud {

// A field whose column in the model's table holds its value. Not a binary
// field: its column holds a file store reference (HasReferenceColumn), which
// is never grouped, aggregated, sorted or compared as a value, as Odoo's
// attachment binaries have no column_type.
bool HasColumn(const Field& field);
// A stored binary field: a text column holding its file store reference.
bool HasReferenceColumn(const Field& field);
// A char, text or selection field with a column: one a display name can be
// read from (the model's rec_name).
bool IsTextual(const Field* field);
// Odoo's display name of a record that has none: "model,id".
std::string FallbackName(const Model& model, std::int64_t id);

// The text to bind for `value` in `field`'s column; ValidationError naming
// the field for a value of the wrong shape. html values are sanitised
// (html_sanitizer.hpp), as Odoo's fields.Html(sanitize=True).
db::Param ColumnParam(const Field& field, const Value& value);
// The same for every field Split puts in `columns`: binary values are
// stored in the Environment's file store and their reference bound
// (binary_column.hpp).
db::Param ColumnParam(const Environment& env, const Field& field, const Value& value);
// The API value of a column's text (NULL is nullopt).
Value ColumnValue(const Field& field, std::optional<std::string_view> text);

struct SplitVals {
  // Fields with a column: HasColumn, and binary (HasReferenceColumn).
  std::vector<std::pair<const Field*, Value>> columns;
  std::vector<std::pair<const Field*, Value>> x2many;
  // Related fields (written through to their target) and computed fields
  // with an inverse method: applied after the rows are written.
  std::vector<std::pair<const Field*, Value>> inversed;
};
// Checks every key of `vals` (a dict) for `operation` (create or write):
// known field, writable kind, the user's field groups. Log-access fields and
// id are dropped silently, as Odoo does; so are non-stored computed fields
// without inverse (Odoo only puts them in its cache).
SplitVals Split(const Environment& env, const Model& model, const Value& vals, Operation operation);

// A default value in the shape a write takes (Odoo's convert_to_cache +
// convert_to_write for what clients and modules give as defaults): a
// many2one [id, name] becomes its id; a list of ids for a many2many becomes
// one (6, 0, ids) command, and a list of dicts for a one2many (0, 0, vals)
// commands. `field` may be null (a context default naming no field).
Value DefaultInWriteShape(const Field* field, Value value);

// Applies Odoo's x2many commands (or a list of ids) of `field` to record `id`.
void ApplyX2many(const Environment& env, const Field& field, std::int64_t id, const Value& commands);

// Ids that exist among `ids` (no rules); the caller reports the others.
std::vector<std::int64_t> ExistingIds(const Environment& env, const Model& model,
                                      std::span<const std::int64_t> ids);
// MissingError unless every id exists.
void CheckExist(const Environment& env, const Model& model, std::span<const std::int64_t> ids);
// Odoo's MissingError for record `id` of `model`.
MissingError MissingRecord(const Environment& env, const Model& model, std::int64_t id);

}  // namespace citadel::orm::crud
