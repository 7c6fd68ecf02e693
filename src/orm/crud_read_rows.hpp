// Internal to the CRUD files: what Read and SearchRead share, so that both
// answer the same dicts. A RowReader holds the fields a read names (checked
// by AccessGuard when it is made), gives the columns a statement selects for
// them, and turns that statement's rows into Odoo's dicts, completed with at
// most one query per relational field (many2one display names in su, x2many
// ids within the comodel's rules), one batch per compute method for
// non-stored computed and related fields, and binary contents from the file
// store. The caller writes the statement around SelectList(): Read selects
// its ids with the rule check as a last column (crud_read.cpp), SearchRead
// selects with the search's WHERE, ORDER BY and LIMIT (crud_search_read.cpp),
// so that its rows cost one statement.
//
// Borrows the Environment and the Model (both must outlive it); uses the
// Environment's thread and connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/composed_sql.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::crud {

class RowReader {
 public:
  // `names` empty: every field the user may read (no write-only field, none
  // of a group the user is not in, which Odoo leaves out silently).
  // Otherwise the named fields: ValidationError for an unknown one,
  // AccessError for a write-only one or one of a group the user is not in
  // (AccessGuard::CheckFields). "id" is always answered, never checked.
  RowReader(const Environment& env, const Model& model, const std::vector<std::string>& names);

  // Nothing but "id" asked: the rows' ids are the whole answer.
  bool ids_only() const { return fields_.empty(); }
  // `t0."id"`, the columns of the fields read (binary fields' references
  // included), and the rec_name's column when display_name is read from it.
  db::ComposedSql SelectList() const;
  // How many columns SelectList selects; a caller's own columns follow them.
  int selected_columns() const;

  // One dict per row of a statement that selected SelectList() first, in
  // the rows' order: "id", the fields' values, then many2one values as
  // [id, display_name], computed and related fields, x2many ids.
  Value Records(const db::QueryResult& rows) const;

  // Whether Odoo's read still answers a record whose row is gone: when no
  // field read needs the row ('id', x2many, attachment binaries); then
  // DeletedRecord is that answer.
  bool keeps_deleted() const;
  Value DeletedRecord(std::int64_t id) const;

 private:
  const Environment* env_;
  const Model* model_;
  std::vector<const Field*> fields_;
  std::vector<const Field*> columns_;   // selected after "id", in fields_' order
  std::vector<const Field*> computed_;  // non-stored computed and related fields
  const Field* rec_name_ = nullptr;     // selected last, for a display_name without compute
};

}  // namespace citadel::orm::crud
