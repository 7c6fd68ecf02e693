// Internal to the ORM: what a ComputeBatch of records not inserted yet reads
// (compute_new_records.hpp), in Read's shapes: their own column values (the
// values being inserted, then the ones computed here), their x2many fields
// (empty without commands: nothing points at a record before it exists),
// other new records reached through a computed many2one, and the records in
// the database their many2one fields point at (compute_linked_records.hpp).
//
// Uses the Environment's connection (the ids, the linked records); one
// thread; lives for one create.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "orm/compute_linked_records.hpp"
#include "orm/compute_new_records.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::compute {

class NewRecordValues {
 public:
  // `expected`: the columns of records in the database that the batches'
  // dependency paths reach (NewRecordPlan::linked_columns), so that each is
  // read with all that may be asked of it, once.
  NewRecordValues(const Environment& su, const Model& model, const std::vector<NewRecord>& records,
                  LinkedColumns expected);

  std::size_t size() const { return rows_.size(); }
  const Model& model() const { return *model_; }

  // The id `row` is to be inserted with: the first call takes one from the
  // table's sequence for every record (one statement). nullopt when the
  // table has no sequence.
  std::optional<std::int64_t> Id(std::size_t row);
  // Empty until Id() was asked.
  const std::vector<std::int64_t>& ids() const { return ids_; }
  // What ComputeBatch::SetSelf sets: the id once taken, else a stand-in for
  // it (negative, never a row's) that the row's INSERT replaces by the id it
  // takes from the sequence. A stand-in never reaches a method: one that
  // would read it gets the ids taken instead (RestartWithIds).
  Value Itself(std::size_t row);
  // The row a stand-in stands for.
  static std::optional<std::size_t> StandInRow(const Value& value);
  // Whether values handed out since the last Reset() mixed stand-ins and
  // taken ids, so that the attempt must start again (the ids are kept).
  bool RestartWithIds() const { return restart_; }

  // Fills `out` with one value per row of `rows` for each of `paths` (a
  // batch's dependency paths, or a way to one); false when one cannot be given without the
  // new records' rows.
  bool Load(const std::vector<std::string>& paths, const std::vector<std::size_t>& rows,
            std::map<std::string, std::vector<Value>, std::less<>>& out);
  // One of the model's own stored fields for `rows`, or nullopt (a binary).
  std::optional<std::vector<Value>> Own(const Field& field, const std::vector<std::size_t>& rows);

  // A column's value as stored (ColumnValue's shape; a many2one an id or
  // false), and setting it.
  const Value& Stored(std::size_t row, const Field& field) const;
  void SetStored(std::size_t row, const Field& field, Value value);
  // Back to the values given, forgetting every value set since.
  void Reset();

  // The rows whose stored `many2one` holds the id of one of `targets`.
  std::vector<std::size_t> PointingAt(const Field& many2one, const std::set<std::size_t>& targets) const;
  // The row to be inserted with `id` (a taken id or a stand-in), if one is.
  std::optional<std::size_t> RowOf(std::int64_t id) const;

 private:
  // nullopt: not available without the rows. With `needs`, a first pass
  // that collects the linked records to read (LinkedRecords::Resolve).
  std::optional<Value> Resolve(std::size_t row, std::string_view path, LinkedRecords::Needs* needs);
  std::optional<Value> OwnValue(std::size_t row, const Field& field, LinkedRecords::Needs* needs);
  // Passes of `resolve` (a first pass per call) until it needs no more
  // linked records; false if that does not settle.
  template <class Pass>
  bool ReadLinked(Pass&& resolve);

  const Model* model_;
  struct Row {
    std::unordered_map<const Field*, Value> given;   // stored shape
    std::unordered_map<const Field*, Value> values;  // given, then as set
    std::set<const Field*> x2many;
  };
  std::vector<Row> rows_;
  mutable std::unordered_map<const Field*, Value> nulls_;  // a NULL column's value, per field
  Environment su_;
  std::vector<std::int64_t> ids_;
  bool ids_asked_ = false;
  bool stand_ins_given_ = false;  // since the last Reset()
  bool restart_ = false;
  LinkedRecords linked_;
};

}  // namespace citadel::orm::compute
