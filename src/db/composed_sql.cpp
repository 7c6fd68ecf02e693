#include "db/composed_sql.hpp"

namespace citadel::db {

ComposedSql& ComposedSql::Sql(SqlText fragment) {
  text_ += fragment.view();
  composed_ = true;
  return *this;
}

ComposedSql& ComposedSql::Name(const Identifier& name) {
  text_ += '"';
  text_ += name.str();
  text_ += '"';
  composed_ = true;
  return *this;
}

ComposedSql& ComposedSql::Qualified(const Identifier& alias, const Identifier& column) {
  Name(alias);
  text_ += '.';
  return Name(column);
}

ComposedSql& ComposedSql::Value(Param value) {
  text_ += kParamMark;
  params_.push_back(std::move(value));
  composed_ = true;
  return *this;
}

ComposedSql& ComposedSql::Integer(std::int64_t value) {
  text_ += std::to_string(value);
  composed_ = true;
  return *this;
}

ComposedSql& ComposedSql::Append(const ComposedSql& other) {
  text_ += other.text_;
  params_.insert(params_.end(), other.params_.begin(), other.params_.end());
  composed_ = composed_ || other.composed_;
  return *this;
}

std::string ComposedSql::Text() const {
  std::string text;
  text.reserve(text_.size() + 3 * params_.size());
  std::size_t number = 0;
  std::size_t from = 0;
  for (std::size_t mark = text_.find(kParamMark); mark != std::string::npos; mark = text_.find(kParamMark, from)) {
    text.append(text_, from, mark - from);
    text += '$';
    text += std::to_string(++number);
    from = mark + 1;
  }
  text.append(text_, from, std::string::npos);
  return text;
}

}  // namespace citadel::db
