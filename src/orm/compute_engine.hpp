// Internal to the ORM's CRUD files: running computes (stored ones after
// create/write/unlink, non-stored ones on read), related fields' read and
// write-through, inverse methods and model hooks. Not part of the ORM's API;
// module code sees only compute.hpp and model_def.hpp.
//
// Odoo marks fields to recompute (modified) and recomputes them lazily at
// flush; Citadel has no record cache, so it recomputes eagerly at the end of
// each create/write/unlink, in the same transaction: the records affected
// are found from the changed ones by walking each trigger's path backwards
// (registry.hpp, ComputeTrigger), in su with archived records included, and
// recomputed until nothing changes (bounded: kMaxRecomputeRounds).
//
// Uses the Environment's thread and connection; nothing is kept between calls.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "orm/compute.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"

namespace citadel::orm::compute {

// Rounds of "recompute, then what the new values affect": a chain of
// recursive dependencies (a hierarchy) deeper than this is refused.
inline constexpr int kMaxRecomputeRounds = 256;

// Stored computed fields to recompute, with the records to recompute them on.
using Pending = std::map<const Field*, std::set<std::int64_t>>;

// path -> one value per id (Read's shapes), for `paths` of `model` (each a
// dotted path); one Read per model reached at each segment, with `su`.
std::map<std::string, std::vector<Value>, std::less<>> LoadPaths(const Environment& su, const Model& model,
                                                                 const std::vector<std::int64_t>& ids,
                                                                 const std::set<std::string, std::less<>>& paths);

// Whether `ids` were just inserted and nothing points at them yet (create,
// before any x2many command and any recompute): then no record's many2one can
// hold them, and the searches for such records are skipped.
enum class Referenced { kMaybe, kNotYet };

// Odoo's modified(): adds to `pending` what a change of `fields` on `ids`
// of `model` makes stale, on whichever records of whichever model.
void CollectModified(const Environment& env, const Model& model, std::span<const Field* const> fields,
                     std::span<const std::int64_t> ids, Pending& pending,
                     Referenced referenced = Referenced::kMaybe);
// Every stored computed field of `model` on `ids` (new records), but those
// `settled` already (computed before their INSERT).
void AddStoredComputes(const Model& model, std::span<const std::int64_t> ids, Pending& pending,
                       const std::set<const Field*>& settled = {});

// Recomputes `pending` and whatever the new values make stale in turn,
// writing only the values that changed, with one UPDATE per batch (no access
// check: it is the ORM's own work; write_uid and write_date are set, as
// Odoo's _write_multi does for computed fields). UserError when it does not
// settle within kMaxRecomputeRounds.
void Recompute(const Environment& env, Pending pending);

// What groups fields computed together: their method's name, or
// "related:<field>" for a related field.
std::string GroupKey(const Field& field);
// A value as ComputeBatch::Set gives it, in the shape ColumnParam takes: a
// many2one [id, display_name] becomes its id.
Value WriteShape(const Field& field, const Value& value);
// What the column holds once `param` is written, as a read gives it back
// (ColumnValue of its text): how a recompute tells a changed value.
Value StoredValue(const Field& field, const db::Param& param);

// The fields one compute method sets (those naming it), or the related field.
std::vector<const Field*> ComputedTogether(const Field& field);
// Runs the compute of `fields` (from ComputedTogether) on `ids`.
ComputeBatch Run(const Environment& env, const Model& model, std::vector<const Field*> fields,
                 std::vector<std::int64_t> ids);

// Values of non-stored computed (and related) `fields` of `ids`, as Read
// returns them (many2one [id, display_name]): field -> id -> value.
std::map<const Field*, std::map<std::int64_t, Value>> ComputeForRead(const Environment& env, const Model& model,
                                                                    const std::vector<std::int64_t>& ids,
                                                                    const std::vector<const Field*>& fields);

// id -> display name, in su: the model's display_name compute, else its
// textual rec_name, else "model,id" (Odoo's fallback).
std::map<std::int64_t, Value> DisplayNames(const Environment& env, const Model& model,
                                           const std::vector<std::int64_t>& ids);

// After create/write: related fields written through to their target (with
// the caller's rights, Odoo's _inverse_related) and inverse methods called,
// for the `vals` (field -> value) that have one.
void ApplyInverses(const Environment& env, const Model& model, const std::vector<std::int64_t>& ids,
                   const std::vector<std::pair<const Field*, Value>>& vals);

// Model hooks, with the nesting bound (kMaxHookDepth).
void RunAfterCreate(const Environment& env, const Model& model, const std::vector<std::int64_t>& ids,
                    const Value& vals_list);
void RunAfterWrite(const Environment& env, const Model& model, const std::vector<std::int64_t>& ids,
                   const Value& vals);

}  // namespace citadel::orm::compute
