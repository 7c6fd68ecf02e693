// PrecomputeStored (compute_new_records.hpp): which stored computes of new
// records can be computed before their INSERT, and the rounds that compute
// them in memory as Recompute would have after it.
#include "orm/compute_new_records.hpp"

#include <stdexcept>

#include "orm/compute.hpp"
#include "orm/compute_engine.hpp"
#include "orm/compute_new_values.hpp"
#include "orm/crud_support.hpp"

namespace citadel::orm::compute {
namespace {

// Whether `path`, read on records already in the database, answers the same
// before the INSERT as after it: stored fields through many2one links. An
// x2many on the way could hold the new records, and a non-stored compute
// (a computed display name too) could look at anything.
bool SameBeforeInsert(const Model& model, std::string_view path) {
  const Model* current = &model;
  while (!path.empty()) {
    const auto [first, rest] = SplitPathHead(path);
    const Field* field = current->FindField(first);
    if (field == nullptr || !crud::HasColumn(*field)) return false;
    if (field->type() == FieldType::kMany2one && ComputesDisplayName(*field->comodel())) return false;
    if (!rest.empty()) {
      if (field->type() != FieldType::kMany2one) return false;
      current = field->comodel();
    }
    path = rest;
  }
  return true;
}

// Whether `path` of a new record of `model` can be given from memory (see
// the header); `computed` are the stored computes that may be computed here,
// whose many2one values may then be new records.
bool GivenInMemory(const Model& model, std::string_view path, const std::set<const Field*>& computed) {
  const auto [first, rest] = SplitPathHead(path);
  if (first == "id") return rest.empty();
  const Field* field = model.FindField(first);
  if (field == nullptr) return false;
  if (IsX2many(field->type())) return !field->computed();  // empty without commands
  if (!crud::HasColumn(*field)) return false;
  if (field->type() != FieldType::kMany2one) return rest.empty();
  // Read's [id, display_name], for the path to the field itself too.
  if (ComputesDisplayName(*field->comodel())) return false;
  if (rest.empty()) return true;
  if (!SameBeforeInsert(*field->comodel(), rest)) return false;
  if (field->comodel() == &model && computed.contains(field)) return GivenInMemory(model, rest, computed);
  return true;
}

// How one attempt at settling the new records' values ended.
struct Attempt {
  // kRestart: ids were taken after stand-ins were handed out; again with them.
  enum class Outcome { kSettled, kExclude, kGiveUp, kRestart } outcome = Outcome::kSettled;
  std::string excluded;  // kExclude: the method to leave to the recompute after the INSERT
  std::vector<std::map<const Field*, db::Param>> columns;
  std::vector<std::set<const Field*>> itself;
};

// Recompute's CollectModified, among the new records: `field` changed on
// `rows`; what it triggers of `settling` goes to `pending`. Records in the
// database are found after the INSERT (crud_create.cpp), by the same
// triggers.
void CollectAmongNew(const NewRecordValues& values, const Field& field, const std::vector<std::size_t>& rows,
                     const std::set<const Field*>& settling, std::map<const Field*, std::set<std::size_t>>& pending) {
  for (const ComputeTrigger& trigger : field.triggers()) {
    if (!settling.contains(trigger.computed)) continue;
    std::set<std::size_t> current(rows.begin(), rows.end());
    for (auto step = trigger.path.rbegin(); step != trigger.path.rend() && !current.empty(); ++step) {
      const Field& link = **step;
      std::set<std::size_t> next;
      // Only the new records themselves can point at new records.
      if (&link.model() == &values.model() && link.comodel() == &values.model()) {
        if (link.type() == FieldType::kMany2one) {
          for (std::size_t row : values.PointingAt(link, current)) next.insert(row);
        } else if (link.type() == FieldType::kOne2many && link.inverse() != nullptr) {
          // The records whose lines these are: their many2one back.
          for (std::size_t row : current) {
            const Value& owner = values.Stored(row, *link.inverse());
            if (!owner.is_number_integer()) continue;
            if (auto found = values.RowOf(owner.get<std::int64_t>())) next.insert(*found);
          }
        }
      }
      current = std::move(next);
    }
    pending[trigger.computed].insert(current.begin(), current.end());
  }
}

// Recompute's rounds, on the new records in memory, for the methods in
// `methods` (key -> the fields they set).
Attempt Settle(const Environment& env, const Model& model,
               const std::map<std::string, std::vector<const Field*>>& methods, NewRecordValues& values) {
  Attempt attempt;
  attempt.columns.resize(values.size());
  attempt.itself.resize(values.size());
  values.Reset();
  std::set<const Field*> settling;
  std::map<const Field*, std::set<std::size_t>> pending;
  for (const auto& [key, together] : methods) {
    for (const Field* field : together) {
      if (!crud::HasColumn(*field)) continue;
      settling.insert(field);
      for (std::size_t row = 0; row < values.size(); ++row) pending[field].insert(row);
    }
  }
  for (int round = 0; !pending.empty(); ++round) {
    if (round == kMaxRecomputeRounds) return {Attempt::Outcome::kGiveUp, {}, {}, {}};  // the recompute reports it
    std::map<const Field*, std::set<std::size_t>> now;
    now.swap(pending);
    std::map<std::string, std::set<std::size_t>> by_method;  // Recompute's order
    for (const auto& [field, rows] : now) {
      if (!rows.empty()) by_method[GroupKey(*field)].insert(rows.begin(), rows.end());
    }
    for (const auto& [key, row_set] : by_method) {
      const std::vector<const Field*>& together = methods.at(key);
      const std::vector<std::size_t> rows(row_set.begin(), row_set.end());
      ComputeBatch batch(env, model, together, rows, values);
      if (values.RestartWithIds()) return {Attempt::Outcome::kRestart, {}, {}, {}};
      if (batch.needed_database()) return {Attempt::Outcome::kExclude, key, {}, {}};
      try {
        const Field& first = *together.front();
        if (!first.def().related.empty()) {
          for (std::size_t i = 0; i < batch.size(); ++i) batch.Set(i, first.name(), batch.Get(i, first.def().related));
        } else {
          model.computes().at(first.def().compute)(batch);
        }
      } catch (const DatabaseError&) {
        throw;  // the transaction's: a retry, not a reason to compute later
      } catch (const std::exception&) {
        return {Attempt::Outcome::kGiveUp, {}, {}, {}};  // the recompute after the INSERT meets it as before
      }
      if (values.RestartWithIds()) return {Attempt::Outcome::kRestart, {}, {}, {}};
      if (batch.needed_database()) return {Attempt::Outcome::kExclude, key, {}, {}};
      std::map<const Field*, std::vector<std::size_t>> changed_by_field;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const std::size_t row = rows[i];
        struct Computed {
          const Field* field;
          db::Param param;
          Value stored;
          bool itself;  // the record's own id, not known yet
        };
        std::vector<Computed> results;
        bool changed = false;
        for (const Field* field : together) {
          if (!crud::HasColumn(*field)) continue;
          const Value* result = batch.Result(i, *field);
          if (result == nullptr) return {Attempt::Outcome::kGiveUp, {}, {}, {}};
          Value shaped = WriteShape(*field, *result);
          Computed computed{field, std::nullopt, {}, false};
          if (auto stand_in = NewRecordValues::StandInRow(shaped)) {
            if (*stand_in != row) return {Attempt::Outcome::kGiveUp, {}, {}, {}};  // another's: no INSERT can say it
            computed.itself = true;
            computed.stored = std::move(shaped);
          } else {
            try {
              computed.param = crud::ColumnParam(*field, shaped);
            } catch (const std::exception&) {
              return {Attempt::Outcome::kGiveUp, {}, {}, {}};
            }
            computed.stored = StoredValue(*field, computed.param);
          }
          if (computed.stored != values.Stored(row, *field)) {
            changed = true;
            changed_by_field[field].push_back(row);
          }
          results.push_back(std::move(computed));
        }
        // As Recompute's UPDATE: a record with any value changed gets all
        // the method's values.
        if (!changed) continue;
        for (Computed& computed : results) {
          values.SetStored(row, *computed.field, std::move(computed.stored));
          if (computed.itself) {
            attempt.itself[row].insert(computed.field);
            attempt.columns[row].erase(computed.field);
          } else {
            attempt.itself[row].erase(computed.field);
            attempt.columns[row][computed.field] = std::move(computed.param);
          }
        }
      }
      for (const auto& [field, changed_rows] : changed_by_field) {
        CollectAmongNew(values, *field, changed_rows, settling, pending);
      }
    }
  }
  return attempt;
}

// Whether a record's value for a many2one to its own model points at a new
// record inserted after it: its INSERT would break the foreign key.
bool PointsForward(const NewRecordValues& values, const Attempt& attempt) {
  for (std::size_t row = 0; row < attempt.columns.size(); ++row) {
    for (const auto& [field, param] : attempt.columns[row]) {
      if (field->type() != FieldType::kMany2one || field->comodel() != &values.model() || !param) continue;
      auto target = values.RowOf(std::stoll(*param));
      if (target && *target > row) return true;
    }
  }
  return false;
}

// What a dependency path of a new record of `model` reads of records in the
// database: the records its many2one points at, and on through them.
void ExpectNewRecordPath(LinkedColumns& columns, const Model& model, std::string_view path) {
  const auto [first, rest] = SplitPathHead(path);
  const Field* field = model.FindField(first);
  if (field == nullptr || field->type() != FieldType::kMany2one) return;
  ExpectDisplayNameColumn(columns, *field->comodel());
  if (rest.empty()) return;
  ExpectPathColumns(columns, *field->comodel(), rest);
  if (field->comodel() == &model) ExpectNewRecordPath(columns, model, rest);  // a new record's, in memory, may lead on
}

}  // namespace

NewRecordPlan PlanNewRecords(const Model& model) {
  NewRecordPlan plan;
  std::set<const Field*> computed;
  for (const auto& field : model.fields()) {
    if (field->computed() && crud::HasColumn(*field)) computed.insert(field.get());
  }
  std::map<std::string, std::vector<const Field*>> methods;
  std::set<std::string> left_out;
  for (const Field* field : computed) {
    const std::string key = GroupKey(*field);
    if (methods.contains(key) || left_out.contains(key)) continue;
    std::vector<const Field*> together = ComputedTogether(*field);
    bool in_memory = true;
    for (const Field* member : together) {
      for (const std::string& path : member->dependencies()) in_memory = in_memory && GivenInMemory(model, path, computed);
    }
    if (in_memory) {
      methods.emplace(key, std::move(together));
    } else {
      left_out.insert(key);
    }
  }
  for (const auto& [key, together] : methods) {
    for (const Field* member : together) {
      for (const std::string& path : member->dependencies()) ExpectNewRecordPath(plan.linked_columns, model, path);
    }
  }
  plan.methods = std::move(methods);
  return plan;
}

Precomputed PrecomputeStored(const Environment& env, const Model& model, const std::vector<NewRecord>& records) {
  Precomputed out;
  if (records.empty()) return out;
  const NewRecordPlan& plan = model.new_record_plan();
  if (plan.methods.empty()) return out;
  // Narrowed below when a method turns out to need the database.
  std::map<std::string, std::vector<const Field*>> methods = plan.methods;
  NewRecordValues values(env, model, records, plan.linked_columns);
  while (!methods.empty()) {
    Attempt attempt = Settle(env, model, methods, values);
    if (attempt.outcome == Attempt::Outcome::kRestart) continue;  // with the ids, taken now
    if (attempt.outcome == Attempt::Outcome::kExclude) {
      methods.erase(attempt.excluded);
      continue;
    }
    if (attempt.outcome == Attempt::Outcome::kSettled && !PointsForward(values, attempt)) {
      for (const auto& [key, together] : methods) {
        for (const Field* field : together) {
          if (crud::HasColumn(*field)) out.fields.insert(field);
        }
      }
      out.columns = std::move(attempt.columns);
      out.itself = std::move(attempt.itself);
    }
    break;
  }
  out.ids = values.ids();
  if (out.fields.empty()) {
    out.columns.clear();
    out.itself.clear();
  }
  return out;
}

}  // namespace citadel::orm::compute
