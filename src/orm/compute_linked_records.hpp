// Internal to the ORM: the records already in the database that new records
// link to through many2one fields, read for their stored computes before
// their INSERT (compute_new_values.hpp). Each record is read once, with
// every column a dependency path may ask of its model (Expect), by one
// statement per model for all the records asked at once; a path going
// further (parent_id.commercial_partner_id.name) reads the next records in
// a second statement, unless they were read already (a company is often
// its own commercial partner).
//
// Values come in Read's shapes: a column as ColumnValue gives it, a
// many2one as [id, display_name] with the display name DisplayNames gives
// (the rec_name's column, or "model,id"). Only stored columns and many2one
// links are read: compute_new_records.cpp leaves any other dependency on
// such records to the recompute after the INSERT.
//
// Borrows the Environment's connection; one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::compute {

// "a.b.c" -> {"a", "b.c"}; {"a", ""} for one name.
std::pair<std::string_view, std::string_view> SplitPathHead(std::string_view path);

// Whether `model` computes its display names (a display_name compute): a
// method that could read anything, the new records' rows included.
bool ComputesDisplayName(const Model& model);
// The field whose column gives the display name of `model`'s records
// (DisplayNames's rec_name), or null: "model,id", or a display_name compute.
const Field* DisplayNameColumn(const Model& model);

// The columns a read of each model's records takes.
using LinkedColumns = std::map<const Model*, std::set<const Field*>>;

// Adds to `columns` what `path`, asked of `model`'s records, reads: its
// columns along many2one links and the display name's column of each model
// it reaches; and the display name's column of `model` alone (what a
// many2one to it shows). Used by the plan made once per model
// (compute_new_records.hpp) and by ExpectDisplayName.
void ExpectPathColumns(LinkedColumns& columns, const Model& model, std::string_view path);
void ExpectDisplayNameColumn(LinkedColumns& columns, const Model& model);

class LinkedRecords {
 public:
  // `expected`: the columns every read of a model's records takes, known
  // beforehand (NewRecordPlan::linked_columns).
  explicit LinkedRecords(const Environment& su, LinkedColumns expected = {})
      : su_(su.Sudo()), columns_(std::move(expected)) {}

  // Records to read before values can be given.
  struct Needs {
    std::map<const Model*, std::set<std::int64_t>> records;
  };

  // A many2one to `model` may be shaped: its records' reads take the
  // display name's column.
  void ExpectDisplayName(const Model& model);

  // The value at `path` of record `id` of `model`. With `needs`, a first
  // pass: a record not read yet is added to them and false answered for
  // it. nullopt: not given here (a field that is no column; no such record).
  std::optional<Value> Resolve(const Model& model, std::int64_t id, std::string_view path, Needs* needs);
  // [id, display_name] of a many2one to record `id` of `model`, the same way.
  std::optional<Value> Many2oneValue(const Model& model, std::int64_t id, Needs* needs);
  // Reads what `needs` names: one statement per model.
  void Fetch(const Needs& needs);

 private:
  // The row of record `id` of `model` if it was read with `field`'s column.
  const Value* Column(const Model& model, std::int64_t id, const Field& field) const;

  Environment su_;
  LinkedColumns columns_;  // what a read of a model's records takes
  std::map<const Model*, std::map<std::int64_t, std::unordered_map<const Field*, Value>>> rows_;
  std::set<std::pair<const Model*, std::int64_t>> missing_;  // asked for, and not in the database
};

}  // namespace citadel::orm::compute
