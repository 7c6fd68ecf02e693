#include "orm/crud_sql.hpp"

#include <charconv>
#include <stdexcept>

namespace citadel::orm::crud_sql {

db::Identifier Name(std::string_view registry_name) {
  auto id = db::Identifier::Make(registry_name);
  if (!id) throw std::logic_error("a registry name is not an identifier: " + id.error().message);
  return std::move(*id);
}

const db::Identifier& RootAlias() {
  static const db::Identifier alias = Name("t0");
  return alias;
}

db::Param IdArray(std::span<const std::int64_t> ids) {
  std::string text = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(ids[i]);
  }
  return text + "}";
}

db::Param TextArray(std::span<const std::string> values) {
  std::string text = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ',';
    text += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    text += '"';
  }
  return text + "}";
}

db::ComposedSql EqualsAnyOf(std::span<const std::int64_t> ids) {
  db::ComposedSql sql;
  if (ids.size() == 1) {
    sql.Sql(" = ").Value(std::to_string(ids.front())).Sql("::int8");
  } else {
    sql.Sql(" = ANY(").Value(IdArray(ids)).Sql("::int8[])");
  }
  return sql;
}

db::ComposedSql IdIn(const db::Identifier& alias, std::span<const std::int64_t> ids) {
  db::ComposedSql sql;
  sql.Qualified(alias, Name("id")).Append(EqualsAnyOf(ids));
  return sql;
}

std::vector<std::int64_t> IdsOf(const db::QueryResult& result, int column) {
  std::vector<std::int64_t> ids;
  ids.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    auto text = result.Get(row, column);
    if (!text) continue;
    std::int64_t id = 0;
    std::from_chars(text->data(), text->data() + text->size(), id);
    ids.push_back(id);
  }
  return ids;
}

}  // namespace citadel::orm::crud_sql
