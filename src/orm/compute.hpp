// Computed fields: what a compute method sees and sets.
//
// A module registers a compute method by name (ModelDef::computes) and names
// it in FieldDef::compute, with the paths the value depends on:
//
//   FieldDef complete_name{.name = "complete_name", .compute = "_compute_complete_name",
//                          .depends = {"name", "parent_id.complete_name"}, .store = true};
//   def.computes["_compute_complete_name"] = [](ComputeBatch& batch) {
//     for (std::size_t i = 0; i < batch.size(); ++i) {
//       const Value& parent = batch.Get(i, "parent_id.complete_name");
//       const Value& name = batch.Get(i, "name");
//       batch.Set(i, "complete_name", parent.is_string() ? parent.get<std::string>() + ", " + ... : name);
//     }
//   };
//
// The ORM calls the method with one batch of records: stored computes after
// create and whenever a dependency changes (records found by walking the
// dependency paths backwards, in su, archived included; recomputed until
// nothing changes, so recursive dependencies such as parent_id.complete_name
// settle), non-stored computes on every Read, once for all the ids read.
// Related fields are computes the ORM provides (the value at the end of the
// path). The batch holds the dependencies' values, read in su before the call
// with one Read per path segment.
//
// Records a create is about to insert are computed before their INSERT when
// their values allow it (compute_new_records.hpp): the batch then reads the
// values being inserted instead of rows, and a method that reaches for the
// database (env()) or for a value only a row could give has its results
// dropped; those records are computed after the INSERT, as above.
//
// Ownership: a batch lives for one call of the method and borrows the
// Registry's models; the Environment inside it is a copy (in su) of the
// caller's, valid while the caller's connection is. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

namespace compute {
class NewRecordValues;  // compute_new_records.hpp
}  // namespace compute

// Hooks calling RecordSet writes that run hooks again nest at most this deep
// (a UserError beyond).
inline constexpr int kMaxHookDepth = 16;

// One batch of records to compute: the values of the fields' dependencies
// (read in su, as Read returns them: many2one [id, display_name] or false;
// a dotted path "parent_id.name" gives the value at its end, false when any
// link on the way is empty; through an x2many, the list of the values of
// each linked record), and the computed values the method sets.
class ComputeBatch {
 public:
  // Made by the ORM: `fields` are the fields computed by one method (or one
  // related field), `ids` the records; reads the dependencies at once.
  ComputeBatch(const Environment& env, const Model& model, std::vector<const Field*> fields,
               std::vector<std::int64_t> ids);
  // Made by the ORM for records not inserted yet: `rows` index `values`,
  // which gives their dependencies and ids (compute_new_records.hpp).
  ComputeBatch(const Environment& env, const Model& model, std::vector<const Field*> fields,
               std::vector<std::size_t> rows, compute::NewRecordValues& values);

  std::size_t size() const { return size_; }
  std::int64_t id(std::size_t i) const;
  // A dependency of the field being computed, or a field of the record
  // itself; throws std::logic_error for a path not declared in `depends` (so
  // a compute cannot read what does not trigger it) — except the record's own
  // stored fields, which are always readable.
  const Value& Get(std::size_t i, std::string_view path) const;
  // many2one: an id or false ([id, display_name] is taken too). Only the
  // fields this method computes; std::logic_error for any other.
  void Set(std::size_t i, std::string_view field, Value value);
  // A many2one to the batch's own model set to record i itself (Odoo's
  // `partner.commercial_partner_id = partner`). Unlike Set(i, f, id(i)) it
  // needs no id: a record not inserted yet gets its own from its INSERT.
  void SetSelf(std::size_t i, std::string_view field);
  // The caller's environment in su (Sudo()). A method that asks for it may
  // query the database, which does not hold records not inserted yet.
  const Environment& env() const;

  // For the ORM, after the method ran: what it set for record i, or null.
  const Value* Result(std::size_t i, const Field& field) const;
  const Model& model() const { return *model_; }
  const std::vector<const Field*>& fields() const { return fields_; }
  // For the ORM, after the method ran on records not inserted yet: whether
  // it reached for the database or for a value only their rows could give;
  // its results then do not count.
  bool needed_database() const { return needed_database_; }

 private:
  void LoadOwnStoredFields() const;
  // A dependency path of one of the fields, or a way to one.
  bool Declared(std::string_view path) const;
  const Value& Unavailable() const;

  Environment env_;
  const Model* model_;
  std::vector<const Field*> fields_;
  std::vector<std::int64_t> ids_;
  std::size_t size_ = 0;
  // Records not inserted yet: their rows in `new_records_`.
  std::vector<std::size_t> rows_;
  compute::NewRecordValues* new_records_ = nullptr;
  mutable bool needed_database_ = false;
  mutable std::map<std::string, std::vector<Value>, std::less<>> values_;  // path -> one per record
  mutable bool own_loaded_ = false;
  std::map<const Field*, std::vector<std::optional<Value>>> results_;
};

using ComputeMethod = std::function<void(ComputeBatch& batch)>;

}  // namespace citadel::orm
