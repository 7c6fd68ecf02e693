// CheckTermValue: which values each operator takes on each kind of field, and
// their normalisation, following Odoo 18's normalize_leaf, expression.parse and
// BaseModel._condition_to_sql. Where Odoo would pass a value of the wrong type
// on to PostgreSQL (and fail there, or match by accident), this refuses it.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/utf8.hpp"
#include "orm/domain_internal.hpp"
#include "orm/errors.hpp"

namespace citadel::orm::domain_internal {
namespace {

using Op = DomainOperator;

bool IsJsonInteger(const Value& v) { return v.is_number_integer(); }

bool FitsInt4(const Value& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= std::numeric_limits<std::int32_t>::max();
  if (!v.is_number_integer()) return false;
  const auto n = v.get<std::int64_t>();
  return n >= std::numeric_limits<std::int32_t>::min() && n <= std::numeric_limits<std::int32_t>::max();
}

bool Digits(std::string_view s, std::size_t from, std::size_t count) {
  for (std::size_t i = from; i < from + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int Number(std::string_view s, std::size_t from, std::size_t count) {
  int n = 0;
  for (std::size_t i = from; i < from + count; ++i) n = n * 10 + (s[i] - '0');
  return n;
}

// "YYYY-MM-DD" with a real day of a real month (PostgreSQL would fail on
// anything else, and an error from SQL is no message for a user).
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!Digits(s, 0, 4) || !Digits(s, 5, 2) || !Digits(s, 8, 2)) return false;
  const int year = Number(s, 0, 4), month = Number(s, 5, 2), day = Number(s, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

bool IsDatetime(std::string_view s) {
  if (s.size() != 19 || !IsDate(s.substr(0, 10)) || s[10] != ' ' || s[13] != ':' || s[16] != ':') return false;
  if (!Digits(s, 11, 2) || !Digits(s, 14, 2) || !Digits(s, 17, 2)) return false;
  return Number(s, 11, 2) < 24 && Number(s, 14, 2) < 60 && Number(s, 17, 2) < 60;
}

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF. PostgreSQL refuses anything else in a UTF8 database.
bool IsUtf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

// PostgreSQL text holds no NUL and only valid UTF-8; refused here, before SQL.
void CheckString(const std::string& s, const std::string& term) {
  if (s.size() > kMaxDomainString) FailTerm(term, "a string is longer than 64 KiB");
  if (s.find('\0') != std::string::npos) FailTerm(term, "a string holds a NUL character");
  if (!IsUtf8(s)) FailTerm(term, "a string is not valid UTF-8");
}

void NullToFalse(Value& v) {
  if (v.is_null()) v = false;
  if (v.is_array()) {
    for (auto& item : v) {
      if (item.is_null()) item = false;
    }
  }
}

const char* KindNoun(SearchKind kind) {
  switch (kind) {
    case SearchKind::kId: return "an id";
    case SearchKind::kNumber: return "a number";
    case SearchKind::kCharacters:
    case SearchKind::kSelection: return "a string";
    case SearchKind::kBoolean: return "a boolean";
    case SearchKind::kDate: return "a date \"YYYY-MM-DD\"";
    case SearchKind::kDatetime: return "a datetime \"YYYY-MM-DD HH:MM:SS\"";
    case SearchKind::kMany2one:
    case SearchKind::kX2many: return "an id";
    case SearchKind::kUnsearchable: return "nothing";
  }
  return "a value";
}

// A non-false scalar of the field's own type, normalised; false when it is
// not one. Strings on relational fields (name searches) are handled apart.
bool NormaliseScalar(const Field& field, SearchKind kind, Value& v) {
  switch (kind) {
    case SearchKind::kId:
    case SearchKind::kMany2one:
    case SearchKind::kX2many: return IsJsonInteger(v) && FitsInt4(v);
    case SearchKind::kNumber:
      if (field.type() == FieldType::kInteger) return IsJsonInteger(v) && FitsInt4(v);
      return v.is_number() && std::isfinite(v.get<double>());
    case SearchKind::kCharacters:
    case SearchKind::kSelection: return v.is_string();
    case SearchKind::kBoolean:
      // Odoo's own active leaf is ('active', '=', 1): 0 and 1 are booleans too.
      return v.is_boolean() || (IsJsonInteger(v) && (v == 0 || v == 1));
    case SearchKind::kDate:
      if (!v.is_string()) return false;
      if (IsDatetime(v.get_ref<const std::string&>())) v = v.get<std::string>().substr(0, 10);
      return IsDate(v.get_ref<const std::string&>());
    case SearchKind::kDatetime:
      if (!v.is_string()) return false;
      if (IsDate(v.get_ref<const std::string&>())) v = v.get<std::string>() + " 00:00:00";
      return IsDatetime(v.get_ref<const std::string&>());
    case SearchKind::kUnsearchable: return false;
  }
  return false;
}

bool AllStrings(const Value& list) {
  if (list.empty()) return false;
  for (const auto& item : list) {
    if (!item.is_string()) return false;
  }
  return true;
}

bool IsRelationalKind(SearchKind kind) { return kind == SearchKind::kMany2one || kind == SearchKind::kX2many; }

// A name given for a record is searched on the model's rec_name (Odoo's
// display_name search), which must then be a stored string.
void RequireNameField(const Model& model, const std::string& term) {
  const Field* rec_name = model.rec_name();
  const bool searchable = rec_name && rec_name->stored() &&
                          (SearchKindOf(*rec_name) == SearchKind::kCharacters ||
                           SearchKindOf(*rec_name) == SearchKind::kSelection);
  if (!searchable) FailTerm(term, "model " + model.name() + " has no name field to search records by name");
}

// child_of / parent_of: Odoo's to_ids (an id, a name, or a list of either).
Value CheckHierarchyValue(const Field& field, SearchKind kind, const Value& value, const std::string& term) {
  if (kind != SearchKind::kId && !IsRelationalKind(kind)) {
    FailTerm(term, "child_of and parent_of apply to id and relational fields only");
  }
  const Model& model = field.model();
  const Model* hierarchy = kind == SearchKind::kId ? &model : field.comodel();
  const bool self_link = kind != SearchKind::kId && field.type() != FieldType::kMany2many && hierarchy == &model;
  if (!self_link && !hierarchy->parent()) {
    FailTerm(term, "model " + hierarchy->name() + " has no parent field for child_of/parent_of");
  }
  if (value.is_boolean() && !value.get<bool>()) return Value::array();
  if (IsJsonInteger(value)) {
    if (!FitsInt4(value)) FailTerm(term, "an id is out of range");
    return value == 0 ? Value::array() : Value::array({value});
  }
  if (value.is_string()) {
    RequireNameField(*hierarchy, term);
    return Value::array({value});
  }
  if (value.is_array()) {
    if (AllStrings(value)) {
      RequireNameField(*hierarchy, term);
      return value;
    }
    for (const auto& item : value) {
      if (!IsJsonInteger(item) || !FitsInt4(item)) {
        FailTerm(term, "child_of and parent_of take ids or names, not a mix or other values");
      }
    }
    return value;
  }
  FailTerm(term, "child_of and parent_of take an id, a name, or a list of ids or of names");
}

Value CheckListValue(const Field& field, SearchKind kind, const Value& value, const std::string& term) {
  if (!value.is_array()) {
    FailTerm(term, "'in' and 'not in' need a list");
  }
  if (kind == SearchKind::kMany2one && AllStrings(value)) {  // a name search
    RequireNameField(*field.comodel(), term);
    return value;
  }
  Value items = value;
  for (auto& item : items) {
    if (item.is_boolean() && !item.get<bool>() && kind != SearchKind::kX2many) continue;  // false: empty
    if (!NormaliseScalar(field, kind, item)) {
      FailTerm(term, std::string("the list holds something that is not ") + KindNoun(kind));
    }
  }
  return items;
}

}  // namespace

CheckedValue CheckTermValue(const Field& field, DomainOperator op, Value value, const std::string& term) {
  const SearchKind kind = SearchKindOf(field);
  if (kind == SearchKind::kUnsearchable) {
    FailTerm(term, "field " + field.model().name() + "." + field.name() + " cannot be searched");
  }
  // _condition_to_sql reads a boolean's "= None" apart from "= False": None
  // is no bool, so the leaf is "IS NULL" (and "!= None" "IS NOT NULL"),
  // while "= False" also matches false. Everywhere else null is false.
  if (kind == SearchKind::kBoolean && (op == Op::kEqual || op == Op::kNotEqual) && value.is_null()) {
    return {op, value};
  }
  NullToFalse(value);
  if (value.is_string()) CheckString(value.get_ref<const std::string&>(), term);
  if (value.is_array()) {
    if (value.size() > kMaxDomainListItems) FailTerm(term, "a list holds more than 10,000 items");
    for (const auto& item : value) {
      if (item.is_string()) CheckString(item.get_ref<const std::string&>(), term);
      if (item.is_array() || item.is_object()) FailTerm(term, "a list holds a list or an object");
    }
  }
  if (value.is_object()) FailTerm(term, "a value cannot be an object");

  // normalize_leaf: `in True` is `= True`, `= [1, 2]` is `in [1, 2]`.
  if ((op == Op::kIn || op == Op::kNotIn) && value.is_boolean()) op = op == Op::kIn ? Op::kEqual : Op::kNotEqual;
  if ((op == Op::kEqual || op == Op::kNotEqual) && value.is_array()) op = op == Op::kEqual ? Op::kIn : Op::kNotIn;

  // expression.parse: a bare date on a datetime means its first second, or
  // its last one for > and <= (so that "> day" starts the next day).
  if (kind == SearchKind::kDatetime && value.is_string() && core::Utf8CodePoints(value.get_ref<const std::string&>()) == 10) {
    value = value.get<std::string>() + (op == Op::kGreater || op == Op::kLessEqual ? " 23:59:59" : " 00:00:00");
  }

  if (op == Op::kChildOf || op == Op::kParentOf) return {op, CheckHierarchyValue(field, kind, value, term)};
  if (op == Op::kIn || op == Op::kNotIn) {
    if (kind == SearchKind::kMany2one && value.is_string()) {
      RequireNameField(*field.comodel(), term);
      return {op == Op::kIn ? Op::kEqual : Op::kNotEqual, value};  // Odoo's dict_op for names
    }
    return {op, CheckListValue(field, kind, value, term)};
  }
  if (value.is_array()) FailTerm(term, "operator " + std::string(DomainOperatorName(op)) + " takes no list");

  const bool is_false = value.is_boolean() && !value.get<bool>();
  if (IsWildcard(op)) {
    if (value.is_string()) {
      if (IsRelationalKind(kind)) RequireNameField(*field.comodel(), term);
      return {op, value};
    }
    if (is_false && kind != SearchKind::kX2many) return {op, value};  // Odoo: matches all (or nothing)
    FailTerm(term, "operator " + std::string(DomainOperatorName(op)) + " needs a string");
  }
  if (op == Op::kEqualLike || op == Op::kEqualIlike) {
    const bool pattern_kind = kind == SearchKind::kCharacters || kind == SearchKind::kSelection ||
                              kind == SearchKind::kDate || kind == SearchKind::kDatetime || IsRelationalKind(kind);
    if (!pattern_kind) FailTerm(term, "=like and =ilike apply to text, date and relational fields");
    if (!value.is_string()) FailTerm(term, "=like and =ilike need a string pattern");
    const auto& pattern = value.get_ref<const std::string&>();
    std::size_t trailing = 0;
    while (trailing < pattern.size() && pattern[pattern.size() - 1 - trailing] == '\\') ++trailing;
    if (trailing % 2 == 1) FailTerm(term, "a LIKE pattern cannot end with an escape character");
    if (IsRelationalKind(kind)) RequireNameField(*field.comodel(), term);
    return {op, value};
  }
  if (kind == SearchKind::kX2many && op != Op::kEqual && op != Op::kNotEqual) {
    FailTerm(term, "operator " + std::string(DomainOperatorName(op)) + " does not apply to one2many/many2many");
  }
  if (IsOrdering(op) && kind == SearchKind::kBoolean) FailTerm(term, "booleans are not ordered");
  if (is_false) {
    if (IsOrdering(op)) FailTerm(term, "operator " + std::string(DomainOperatorName(op)) + " needs a value");
    return {op, value};  // =, !=, =?
  }
  if (value.is_string() && IsRelationalKind(kind)) {  // a name search on the comodel
    RequireNameField(*field.comodel(), term);
    return {op, value};
  }
  if (!NormaliseScalar(field, kind, value)) {
    FailTerm(term, std::string("the value is not ") + KindNoun(kind));
  }
  return {op, value};
}

}  // namespace citadel::orm::domain_internal
