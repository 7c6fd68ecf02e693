// Internal to the ORM: the stored computed fields of records one create is
// about to insert, computed in memory from the values being inserted, so
// that their INSERT carries them (Odoo's `precompute`, here for every stored
// compute that can be). Without it each new record cost, per compute method
// and round of recomputation, a read of its current values, a read of its
// dependencies, an UPDATE and searches for what depends on it.
//
// What a compute of a new record can depend on without its row: the
// record's own column values (given, defaulted, or computed here), its
// x2many fields when the create gives them no commands (empty: nothing can
// point at a record before it exists), records its many2one fields point
// at — read once per field for the whole batch, or, for a computed many2one
// to the same model such as commercial_partner_id, another new record in
// memory — and, on records already in the database, stored fields reached
// through many2one links only (an x2many there could hold the new records,
// which a read before the INSERT would miss). A compute whose dependencies
// go elsewhere, which asks for the database itself (ComputeBatch::env()),
// or which reads a value only a row could give, is left to the recompute
// after the INSERT (compute_engine.hpp), as before; so is every compute of
// a create that keeps a given value for an editable computed field.
//
// The rounds here follow compute_engine.cpp's Recompute exactly on the new
// records (methods in the same order, a field changed when its stored value
// would change, the fields it triggers computed again in the next round),
// so the values inserted are the ones the INSERT-then-recompute order
// stored. A method that sets a record's many2one to the record itself
// (ComputeBatch::SetSelf) needs no id: the INSERT takes it from the table's
// sequence for the column too. A method that needs the ids themselves gets
// them from the sequence first (one statement for the batch), and the
// INSERT names them.
//
// Uses the Environment's thread and connection; nothing is kept after the
// create.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.hpp"
#include "orm/compute_linked_records.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::compute {

// One record a create is about to insert.
struct NewRecord {
  // Its columns and the values bound for them, the caller's and the
  // defaults, as its INSERT binds them (crud::ColumnParam); borrowed.
  const std::vector<std::pair<const Field*, db::Param>>* columns = nullptr;
  // The x2many fields the create gives commands for.
  std::set<const Field*> x2many;
};

// What the INSERTs carry.
struct Precomputed {
  // The stored computed fields computed here, settled on the new records:
  // nothing needs recomputing them on those records after the INSERT unless
  // something changes later.
  std::set<const Field*> fields;
  // Per record, the values of those fields that differ from what the INSERT
  // would store without them (the column's NULL, or the value given), bound
  // as ColumnParam binds them.
  std::vector<std::map<const Field*, db::Param>> columns;
  // Per record, many2one fields set to the record itself (SetSelf) while
  // its id is not known: its INSERT takes its id from the table's sequence
  // and puts it in them too.
  std::vector<std::set<const Field*>> itself;
  // The ids to insert the records with, taken from the table's sequence when
  // a method asked for them; empty otherwise (the INSERT takes them then).
  std::vector<std::int64_t> ids;
};

// What PrecomputeStored can know from the registry alone, judged once per
// model when the registry is built (Model::new_record_plan): the compute
// methods whose every dependency a new record could give in memory, and the
// columns of records in the database those dependencies read.
struct NewRecordPlan {
  // GroupKey -> the stored fields the method sets together.
  std::map<std::string, std::vector<const Field*>> methods;
  LinkedColumns linked_columns;
};
NewRecordPlan PlanNewRecords(const Model& model);

// Computes every stored computed field of `model` that can be for
// `records`, in su with the caller's context (as the recompute does).
Precomputed PrecomputeStored(const Environment& env, const Model& model, const std::vector<NewRecord>& records);

}  // namespace citadel::orm::compute
