// QueryResult: the rows of one executed statement, read as text.
//
// Owns its PGresult (freed on destruction); move-only. Values are PostgreSQL's
// text format; NULL is std::nullopt. A column is addressed by index or name.
// Immutable once made, so concurrent reads are safe; string_views it returns
// live as long as the QueryResult.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_result;

namespace citadel::db {

class QueryResult {
 public:
  QueryResult() = default;
  explicit QueryResult(pg_result* result);  // takes ownership

  int rows() const;
  int columns() const;
  bool empty() const { return rows() == 0; }
  // Rows changed by INSERT/UPDATE/DELETE (0 for other statements).
  long affected_rows() const;

  std::string_view ColumnName(int column) const;
  // -1 when there is no such column.
  int ColumnIndex(std::string_view name) const;

  // nullopt for NULL, and for a column that does not exist (use ColumnIndex
  // to tell the two apart when it matters).
  std::optional<std::string_view> Get(int row, int column) const;
  std::optional<std::string_view> Get(int row, std::string_view column) const;
  // The value, with NULL (or a missing column) read as `fallback`.
  std::string Text(int row, std::string_view column, std::string_view fallback = {}) const;

 private:
  struct Deleter {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Deleter> result_;
};

}  // namespace citadel::db
