#include "db/query_result.hpp"

#include <cstdlib>

#include <libpq-fe.h>

namespace citadel::db {

void QueryResult::Deleter::operator()(pg_result* r) const { PQclear(r); }

QueryResult::QueryResult(pg_result* result) : result_(result) {}

int QueryResult::rows() const { return result_ ? PQntuples(result_.get()) : 0; }

int QueryResult::columns() const { return result_ ? PQnfields(result_.get()) : 0; }

long QueryResult::affected_rows() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_.get());
  return (n != nullptr && *n != '\0') ? std::strtol(n, nullptr, 10) : 0;
}

std::string_view QueryResult::ColumnName(int column) const {
  if (!result_ || column < 0 || column >= columns()) return {};
  return PQfname(result_.get(), column);
}

int QueryResult::ColumnIndex(std::string_view name) const {
  for (int c = 0; c < columns(); ++c) {
    if (ColumnName(c) == name) return c;
  }
  return -1;
}

std::optional<std::string_view> QueryResult::Get(int row, int column) const {
  if (!result_ || row < 0 || row >= rows() || column < 0 || column >= columns()) {
    return std::nullopt;
  }
  if (PQgetisnull(result_.get(), row, column)) return std::nullopt;
  return std::string_view(PQgetvalue(result_.get(), row, column),
                          static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::optional<std::string_view> QueryResult::Get(int row, std::string_view column) const {
  return Get(row, ColumnIndex(column));
}

std::string QueryResult::Text(int row, std::string_view column, std::string_view fallback) const {
  auto v = Get(row, column);
  return std::string(v ? *v : fallback);
}

}  // namespace citadel::db
