#include "orm/crud_support.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string>

#include "orm/binary_column.hpp"
#include "orm/crud_sql.hpp"
#include "orm/errors.hpp"
#include "orm/html_sanitizer.hpp"

namespace citadel::orm::crud {
namespace {

[[noreturn]] void Wrong(const Field& field, const Value& value) {
  // The value's type, not the value itself: messages carry no data.
  throw ValidationError("Wrong value for " + field.model().name() + "." + field.name() + ": a " +
                        std::string(FieldTypeName(field.type())) + " field does not take a " +
                        value.type_name() + " value.");
}

bool Digits(std::string_view text, std::size_t from, std::size_t count) {
  return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from),
                     text.begin() + static_cast<std::ptrdiff_t>(from + count),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool IsDate(std::string_view s) {
  return s.size() == 10 && Digits(s, 0, 4) && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' &&
         Digits(s, 8, 2);
}

bool IsDatetime(std::string_view s) {
  return s.size() == 19 && IsDate(s.substr(0, 10)) && s[10] == ' ' && Digits(s, 11, 2) &&
         s[13] == ':' && Digits(s, 14, 2) && s[16] == ':' && Digits(s, 17, 2);
}

// Odoo truncates char values to their size (in characters, not bytes).
std::string Truncated(const std::string& text, std::optional<int> size) {
  if (!size) return text;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == static_cast<std::size_t>(*size)) return text.substr(0, i);
      ++chars;
    }
  }
  return text;
}

// Longest decimal text taken for a float or monetary value: far beyond any
// amount, short enough that no client makes PostgreSQL parse megabytes.
constexpr std::size_t kMaxDecimalText = 64;

// A plain decimal: an optional sign, ASCII digits, at most one decimal point,
// at least one digit ("12.10", "-3", ".5", "5."). No exponent, no spaces, no
// thousands separators, no nan/inf: what is stored is exactly what was typed.
bool IsPlainDecimal(std::string_view text) {
  if (text.size() > kMaxDecimalText) return false;
  std::size_t i = text.starts_with('+') || text.starts_with('-') ? 1 : 0;
  bool digit = false, point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digit;
}

std::string NumberText(const Value& value) {
  if (value.is_number_float()) {
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value.get<double>());
    return std::string(buffer, error == std::errc() ? end : buffer);
  }
  return value.dump();
}

// A float or monetary value as its column's text. A number goes as its
// shortest round-trip decimal (0.1 -> "0.1", so what a client typed, which the
// wire carried as a binary double, is the decimal a numeric column stores);
// a text, which Odoo's float() takes too, only as a plain decimal, unchanged,
// so "12.10" is stored exactly; "" is 0, as Odoo's float(value or 0.0).
db::Param DecimalParam(const Field& field, const Value& value) {
  if (value.is_number()) return NumberText(value);
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.empty()) return "0";
    if (IsPlainDecimal(text)) return text;
    // The value itself stays out of the message: messages carry no data.
    throw ValidationError("Wrong value for " + field.model().name() + "." + field.name() + ": a " +
                          std::string(FieldTypeName(field.type())) +
                          " field takes a number or a plain decimal text such as \"12.10\" (digits, an "
                          "optional sign and decimal point; no exponent, spaces or separators).");
  }
  Wrong(field, value);
}

}  // namespace

bool HasColumn(const Field& field) { return field.stored() && field.type() != FieldType::kBinary; }

bool HasReferenceColumn(const Field& field) {
  return field.stored() && field.type() == FieldType::kBinary;
}

bool IsTextual(const Field* field) {
  return field != nullptr && HasColumn(*field) &&
         (field->type() == FieldType::kChar || field->type() == FieldType::kText ||
          field->type() == FieldType::kSelection);
}

std::string FallbackName(const Model& model, std::int64_t id) {
  return model.name() + "," + std::to_string(id);
}

db::Param ColumnParam(const Environment& env, const Field& field, const Value& value) {
  if (HasReferenceColumn(field)) return BinaryParam(env, field, value);
  return ColumnParam(field, value);
}

db::Param ColumnParam(const Field& field, const Value& value) {
  const bool empty = value.is_null() || (value.is_boolean() && !value.get<bool>());
  switch (field.type()) {
    case FieldType::kBoolean:
      if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
      if (value.is_null()) return "false";
      if (value.is_number()) return value != 0 ? "true" : "false";
      Wrong(field, value);
    case FieldType::kInteger:
      if (empty) return "0";  // Odoo: int(value or 0)
      if (value.is_number_integer()) return value.dump();
      Wrong(field, value);
    case FieldType::kFloat:
    case FieldType::kMonetary:
      if (empty) return "0";
      return DecimalParam(field, value);
    case FieldType::kChar:
    case FieldType::kText:
      if (empty) return std::nullopt;
      if (value.is_string()) return Truncated(value.get<std::string>(), field.def().size);
      Wrong(field, value);
    case FieldType::kHtml:
      if (empty) return std::nullopt;
      if (value.is_string()) return SanitizeHtml(value.get_ref<const std::string&>());
      Wrong(field, value);
    case FieldType::kSelection: {
      if (empty) return std::nullopt;
      if (!value.is_string()) Wrong(field, value);
      const auto& text = value.get_ref<const std::string&>();
      for (const auto& [key, label] : field.def().selection) {
        if (key == text) return text;
      }
      throw ValidationError("Wrong value for " + field.model().name() + "." + field.name() +
                            ": not one of its selection values.");
    }
    case FieldType::kDate:
      if (empty) return std::nullopt;
      if (value.is_string() && IsDate(value.get<std::string>())) return value.get<std::string>();
      throw ValidationError("Invalid date for " + field.model().name() + "." + field.name() +
                            ": expected YYYY-MM-DD.");
    case FieldType::kDatetime:
      if (empty) return std::nullopt;
      if (value.is_string() && IsDatetime(value.get<std::string>())) return value.get<std::string>();
      if (value.is_string() && IsDate(value.get<std::string>())) {
        return value.get<std::string>() + " 00:00:00";
      }
      throw ValidationError("Invalid datetime for " + field.model().name() + "." + field.name() +
                            ": expected YYYY-MM-DD HH:MM:SS.");
    case FieldType::kMany2one:
      if (empty) return std::nullopt;
      if (value.is_number_integer() && value.get<std::int64_t>() > 0) return value.dump();
      Wrong(field, value);
    case FieldType::kBinary:
    case FieldType::kOne2many:
    case FieldType::kMany2many:
      break;
  }
  throw std::logic_error("no column for this field type");
}

Value ColumnValue(const Field& field, std::optional<std::string_view> text) {
  switch (field.type()) {
    case FieldType::kBoolean:
      return text && *text == "t";
    case FieldType::kInteger:
    case FieldType::kMany2one: {
      if (!text) return field.type() == FieldType::kInteger ? Value(0) : Value(false);
      std::int64_t number = 0;
      std::from_chars(text->data(), text->data() + text->size(), number);
      return number;
    }
    case FieldType::kFloat:
    case FieldType::kMonetary: {
      // The double nearest the stored decimal, for the wire (a double in
      // Odoo's too); it prints back as that decimal when it has at most 15
      // significant digits. Sums and averages are PostgreSQL's, in numeric.
      if (!text) return 0.0;
      double number = 0;
      std::from_chars(text->data(), text->data() + text->size(), number);
      return number;
    }
    case FieldType::kDatetime:
      if (!text) return false;
      return std::string(text->substr(0, 19));  // Odoo's format has no fraction
    default:
      if (!text) return false;
      return std::string(*text);
  }
}

Value DefaultInWriteShape(const Field* field, Value value) {
  if (field == nullptr || !value.is_array() || value.empty()) return value;
  if (field->type() == FieldType::kMany2one && value[0].is_number_integer()) return value[0];
  if (field->type() == FieldType::kMany2many && value[0].is_number_integer()) {
    return Value::array({Value::array({6, 0, std::move(value)})});
  }
  if (field->type() == FieldType::kOne2many && value[0].is_object()) {
    Value commands = Value::array();
    for (Value& vals : value) commands.push_back(Value::array({0, 0, std::move(vals)}));
    return commands;
  }
  return value;
}

SplitVals Split(const Environment& env, const Model& model, const Value& vals, Operation operation) {
  if (!vals.is_object()) throw ValidationError("Values must be a dictionary of field names.");
  static const std::set<std::string, std::less<>> kDropped = {
      "id", "create_uid", "create_date", "write_uid", "write_date", "display_name"};
  SplitVals split;
  std::vector<const Field*> fields;
  for (const auto& [name, value] : vals.items()) {
    if (kDropped.contains(name)) continue;
    const Field* field = model.FindField(name);
    if (field == nullptr) {
      throw ValidationError("Invalid field '" + name + "' on model '" + model.name() + "'");
    }
    const bool inversed = !field->related_path().empty() || !field->def().inverse.empty();
    if (IsX2many(field->type()) && !field->computed()) {
      split.x2many.emplace_back(field, value);
    } else if (HasColumn(*field) || HasReferenceColumn(*field)) {
      split.columns.emplace_back(field, value);
      if (inversed) split.inversed.emplace_back(field, value);
    } else if (inversed) {
      split.inversed.emplace_back(field, value);
    } else if (field->computed()) {
      // Odoo's write of a computed field without inverse only fills its cache.
    } else {
      throw ValidationError("The field '" + name + "' on model '" + model.name() +
                            "' cannot be written.");
    }
    fields.push_back(field);
  }
  AccessGuard::CheckFields(env, model, fields, operation);
  return split;
}

std::vector<std::int64_t> ExistingIds(const Environment& env, const Model& model,
                                      std::span<const std::int64_t> ids) {
  const db::Identifier& alias = crud_sql::RootAlias();
  db::ComposedSql sql("SELECT ");
  sql.Qualified(alias, crud_sql::Name("id"))
      .Sql(" FROM ")
      .Name(crud_sql::Name(model.table()))
      .Sql(" AS ")
      .Name(alias)
      .Sql(" WHERE ")
      .Append(crud_sql::IdIn(alias, ids));
  return crud_sql::IdsOf(env.Execute(sql));
}

void CheckExist(const Environment& env, const Model& model, std::span<const std::int64_t> ids) {
  if (ids.empty()) return;
  const std::vector<std::int64_t> found = ExistingIds(env, model, ids);
  const std::set<std::int64_t> present(found.begin(), found.end());
  for (std::int64_t id : ids) {
    if (!present.contains(id)) throw MissingRecord(env, model, id);
  }
}

MissingError MissingRecord(const Environment& env, const Model& model, std::int64_t id) {
  return MissingError("Record does not exist or has been deleted.\n(Record: " + model.name() + "(" +
                      std::to_string(id) + ",), User: " + std::to_string(env.uid()) + ")");
}

}  // namespace citadel::orm::crud
