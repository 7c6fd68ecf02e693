#include "db/composed_sql.hpp"

namespace citadel::db {

ComposedSql& ComposedSql::Sql(SqlText fragment) {
  pieces_.emplace_back(std::string(fragment.view()));
  return *this;
}

ComposedSql& ComposedSql::Name(const Identifier& name) {
  pieces_.emplace_back("\"" + name.str() + "\"");
  return *this;
}

ComposedSql& ComposedSql::Qualified(const Identifier& alias, const Identifier& column) {
  pieces_.emplace_back("\"" + alias.str() + "\".\"" + column.str() + "\"");
  return *this;
}

ComposedSql& ComposedSql::Value(Param value) {
  pieces_.emplace_back(ParamRef{params_.size()});
  params_.push_back(std::move(value));
  return *this;
}

ComposedSql& ComposedSql::Integer(std::int64_t value) {
  pieces_.emplace_back(std::to_string(value));
  return *this;
}

ComposedSql& ComposedSql::Append(const ComposedSql& other) {
  const std::size_t offset = params_.size();
  for (const auto& piece : other.pieces_) {
    if (const auto* ref = std::get_if<ParamRef>(&piece)) {
      pieces_.emplace_back(ParamRef{ref->index + offset});
    } else {
      pieces_.push_back(piece);
    }
  }
  params_.insert(params_.end(), other.params_.begin(), other.params_.end());
  return *this;
}

std::string ComposedSql::Text() const {
  std::string text;
  for (const auto& piece : pieces_) {
    if (const auto* ref = std::get_if<ParamRef>(&piece)) {
      text += "$" + std::to_string(ref->index + 1);
    } else {
      text += std::get<std::string>(piece);
    }
  }
  return text;
}

}  // namespace citadel::db
