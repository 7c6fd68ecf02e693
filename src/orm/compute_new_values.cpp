// NewRecordValues (compute_new_values.hpp): what a ComputeBatch of records
// not inserted yet reads, from the values being inserted, from other new
// records in memory, and from the records in the database they link to.
#include "orm/compute_new_values.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "orm/compute_engine.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"

namespace citadel::orm::compute {
namespace {

// Deeper than any dependency path: passes that keep asking for more linked
// records are given up on (the recompute after the INSERT does the work).
constexpr int kMaxLinkedReads = 16;

}  // namespace

NewRecordValues::NewRecordValues(const Environment& su, const Model& model, const std::vector<NewRecord>& records,
                                 LinkedColumns expected)
    : model_(&model), su_(su.Sudo()), linked_(su, std::move(expected)) {
  rows_.reserve(records.size());
  for (const NewRecord& record : records) {
    Row row;
    for (const auto& [field, param] : *record.columns) {
      if (crud::HasColumn(*field)) row.given[field] = StoredValue(*field, param);  // not a binary's reference
    }
    row.values = row.given;
    row.x2many = record.x2many;
    rows_.push_back(std::move(row));
  }
}

std::optional<std::int64_t> NewRecordValues::Id(std::size_t row) {
  if (!ids_asked_) {
    ids_asked_ = true;
    // Taken in one statement for the batch; sorted, so that the records get
    // ascending ids in their order, as one INSERT after another gives them.
    db::ComposedSql sql("SELECT nextval(pg_get_serial_sequence(");
    sql.Value("\"" + crud_sql::Name(model_->table()).str() + "\"")
        .Sql(", 'id')::regclass) FROM generate_series(1, ")
        .Value(db::ToParam(rows_.size()))
        .Sql("::int4)");
    const db::QueryResult result = su_.Execute(sql);
    for (int i = 0; i < result.rows(); ++i) {
      const auto text = result.Get(i, 0);
      if (!text) break;  // the table has no sequence
      ids_.push_back(std::stoll(std::string(*text)));
    }
    if (ids_.size() != rows_.size()) ids_.clear();
    std::sort(ids_.begin(), ids_.end());
    if (stand_ins_given_) restart_ = true;  // values computed with stand-ins and ids together
  }
  if (ids_.empty()) return std::nullopt;
  return ids_.at(row);
}

Value NewRecordValues::Itself(std::size_t row) {
  // A table the schema sync did not make may have no sequence for the
  // INSERT to take the id from: take it now (or find there is none).
  if (!ids_.empty() || !model_->auto_table()) {
    auto id = Id(row);
    return id ? Value(*id) : Value(false);
  }
  stand_ins_given_ = true;
  return Value(-static_cast<std::int64_t>(row) - 1);
}

std::optional<std::size_t> NewRecordValues::StandInRow(const Value& value) {
  if (!value.is_number_integer() || value.get<std::int64_t>() >= 0) return std::nullopt;
  return static_cast<std::size_t>(-value.get<std::int64_t>() - 1);
}

std::optional<std::size_t> NewRecordValues::RowOf(std::int64_t id) const {
  if (id < 0) {
    const auto row = static_cast<std::size_t>(-id - 1);
    if (row < rows_.size()) return row;
    return std::nullopt;
  }
  auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  if (it == ids_.end() || *it != id) return std::nullopt;
  return static_cast<std::size_t>(it - ids_.begin());
}

const Value& NewRecordValues::Stored(std::size_t row, const Field& field) const {
  const auto& values = rows_.at(row).values;
  if (auto it = values.find(&field); it != values.end()) return it->second;
  auto [it, added] = nulls_.try_emplace(&field);
  if (added) it->second = crud::ColumnValue(field, std::nullopt);  // what a read of NULL gives
  return it->second;
}

void NewRecordValues::SetStored(std::size_t row, const Field& field, Value value) {
  rows_.at(row).values[&field] = std::move(value);
}

void NewRecordValues::Reset() {
  for (Row& row : rows_) row.values = row.given;
  stand_ins_given_ = false;
  restart_ = false;
}

std::vector<std::size_t> NewRecordValues::PointingAt(const Field& many2one, const std::set<std::size_t>& targets) const {
  std::vector<std::size_t> found;
  // Only a value computed here can hold a new record's id or stand-in.
  if (many2one.comodel() != model_) return found;
  std::set<std::int64_t> target_ids;
  for (std::size_t row : targets) {
    target_ids.insert(-static_cast<std::int64_t>(row) - 1);
    if (!ids_.empty()) target_ids.insert(ids_.at(row));
  }
  for (std::size_t row = 0; row < rows_.size(); ++row) {
    const Value& value = Stored(row, many2one);
    if (value.is_number_integer() && target_ids.contains(value.get<std::int64_t>())) found.push_back(row);
  }
  return found;
}

std::optional<Value> NewRecordValues::OwnValue(std::size_t row, const Field& field, LinkedRecords::Needs* needs) {
  if (crud::HasColumn(field)) {
    const Value& stored = Stored(row, field);
    if (field.type() != FieldType::kMany2one || !stored.is_number_integer()) return stored;
    std::int64_t target = stored.get<std::int64_t>();
    const Model& comodel = *field.comodel();
    if (&comodel == model_) {
      if (auto other = RowOf(target)) {
        if (target < 0) {
          // A method would see a stand-in: it gets the id, the attempt restarts.
          auto id = Id(*other);
          if (!id) return std::nullopt;
          target = *id;
        }
        // A new record's display name, as DisplayNames would read it.
        if (ComputesDisplayName(comodel)) return std::nullopt;  // its method reads rows
        const Field* column = DisplayNameColumn(comodel);
        const Value* name = column != nullptr ? &Stored(*other, *column) : nullptr;
        return Value::array({target, name != nullptr && name->is_string() ? *name
                                                                          : Value(crud::FallbackName(comodel, target))});
      }
    }
    return linked_.Many2oneValue(comodel, target, needs);
  }
  // Nothing points at a record before it exists: its x2many fields are
  // empty unless this create gives them commands.
  if (IsX2many(field.type()) && !field.computed()) {
    if (rows_.at(row).x2many.contains(&field)) return std::nullopt;
    return Value::array();
  }
  return std::nullopt;
}

std::optional<Value> NewRecordValues::Resolve(std::size_t row, std::string_view path, LinkedRecords::Needs* needs) {
  const auto [first, rest] = SplitPathHead(path);
  if (first == "id") {
    if (!rest.empty()) return std::nullopt;
    auto id = Id(row);
    if (!id) return std::nullopt;
    return Value(*id);
  }
  const Field* field = model_->FindField(first);
  if (field == nullptr) return std::nullopt;
  if (rest.empty()) return OwnValue(row, *field, needs);
  if (field->type() == FieldType::kMany2one && crud::HasColumn(*field)) {
    const Value& stored = Stored(row, *field);
    if (!stored.is_number_integer()) return Value(false);  // LoadPaths: false past an empty link
    const std::int64_t target = stored.get<std::int64_t>();
    if (field->comodel() == model_) {
      if (auto other = RowOf(target)) return Resolve(*other, rest, needs);
    }
    return linked_.Resolve(*field->comodel(), target, rest, needs);
  }
  if (IsX2many(field->type()) && !field->computed()) {
    if (rows_.at(row).x2many.contains(field)) return std::nullopt;
    return Value::array();  // the values of no records
  }
  return std::nullopt;
}

template <class Pass>
bool NewRecordValues::ReadLinked(Pass&& resolve) {
  for (int read = 0; read <= kMaxLinkedReads; ++read) {
    LinkedRecords::Needs needs;
    if (!resolve(&needs)) return false;
    if (needs.records.empty()) return true;
    linked_.Fetch(needs);
  }
  return false;
}

bool NewRecordValues::Load(const std::vector<std::string>& paths, const std::vector<std::size_t>& rows,
                           std::map<std::string, std::vector<Value>, std::less<>>& out) {
  const bool read = ReadLinked([&](LinkedRecords::Needs* needs) {
    for (const std::string& path : paths) {
      for (std::size_t row : rows) {
        if (!Resolve(row, path, needs)) return false;
      }
    }
    return true;
  });
  if (!read) return false;
  for (const std::string& path : paths) {
    std::vector<Value>& column = out[path];
    column.clear();
    column.reserve(rows.size());
    for (std::size_t row : rows) {
      auto value = Resolve(row, path, nullptr);
      if (!value) return false;
      column.push_back(std::move(*value));
    }
  }
  return true;
}

std::optional<std::vector<Value>> NewRecordValues::Own(const Field& field, const std::vector<std::size_t>& rows) {
  if (!crud::HasColumn(field)) return std::nullopt;  // a binary: its content is in the file store
  if (field.type() == FieldType::kMany2one) linked_.ExpectDisplayName(*field.comodel());
  const bool read = ReadLinked([&](LinkedRecords::Needs* needs) {
    for (std::size_t row : rows) {
      if (!OwnValue(row, field, needs)) return false;
    }
    return true;
  });
  if (!read) return std::nullopt;
  std::vector<Value> column;
  column.reserve(rows.size());
  for (std::size_t row : rows) {
    auto value = OwnValue(row, field, nullptr);
    if (!value) return std::nullopt;
    column.push_back(std::move(*value));
  }
  return column;
}

}  // namespace citadel::orm::compute
