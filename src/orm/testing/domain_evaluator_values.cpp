// What a leaf on a column means, in the order Odoo 18 states its rules
// (expression.parse's datetime step, then BaseModel._condition_to_sql), as a
// reader puts them rather than as SQL text:
//   * a 10-character day on a datetime column is that day's first second, or
//     its last for '>' and '<=';
//   * in / not in: false and null items mean "unset"; on numbers unset is 0,
//     on char/text/html it is '', on booleans only the truth of the items
//     counts; an empty list is nothing (in) or everything (not in);
//   * booleans: "= true" holds for true only, "= false" for false and unset;
//     a null value (not false) on a boolean is "unset" itself;
//   * an empty relation (false, 0) is "unset";
//   * "= false" on numbers is "= 0 or unset", on strings "= '' or unset",
//     elsewhere "unset"; "!= false" the opposite;
//   * like / ilike look for the value anywhere (its '%' and '_' still
//     wildcards); an empty value matches every record (negated: none);
//   * a positive operator with an empty value, or a negative one with a
//     value, also holds for unset (not for <, >, <=, >=); numbers count unset
//     as 0 in those four too;
//   * otherwise an unset column satisfies nothing and its negation nothing
//     either: SQL's unknown.
#include "orm/testing/domain_evaluator_values.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "orm/testing/domain_evaluator_reading.hpp"

namespace citadel::orm::testing::evaluator {
namespace {

enum class Family { kId, kNumber, kText, kBoolean, kOther };

Family FamilyOf(const Field& field) {
  if (field.name() == "id") return Family::kId;
  switch (field.type()) {
    case FieldType::kInteger:
    case FieldType::kFloat:
    case FieldType::kMonetary: return Family::kNumber;
    case FieldType::kChar:
    case FieldType::kText:
    case FieldType::kHtml: return Family::kText;
    case FieldType::kBoolean: return Family::kBoolean;
    default: return Family::kOther;
  }
}

bool IsUnsetValue(const Value& v) { return v.is_null() || (v.is_boolean() && !v.get<bool>()); }

Truth Or(Truth a, Truth b) { return std::max(a, b); }
Truth And(Truth a, Truth b) { return std::min(a, b); }

[[noreturn]] void Refuse(const Field& field, const Value& value) {
  throw std::invalid_argument("evaluator: Odoo would fail on " + value.dump() + " for " + field.name());
}

double Number(const Field& field, const Value& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (!v.is_number()) Refuse(field, v);
  return v.get<double>();
}

// The value as the column compares it: Odoo's conversion of the value for
// the column, then PostgreSQL's reading of the text it receives. Null for
// what reaches SQL as NULL.
Value AsColumn(const Field& field, const Value& v) {
  switch (field.type()) {
    case FieldType::kBoolean: return PythonTruthy(v);
    case FieldType::kInteger: return v.is_null() ? 0.0 : std::trunc(Number(field, v));
    case FieldType::kFloat:
    case FieldType::kMonetary: {
      const double x = v.is_null() ? 0.0 : Number(field, v);
      if (!field.def().digits) return x;
      const double scale = std::pow(10.0, field.def().digits->second);
      return std::round(x * scale) / scale;  // half away from zero, as float_round
    }
    case FieldType::kMany2one:
      if (!PythonTruthy(v)) return nullptr;  // `value or None`
      return Number(field, v);
    case FieldType::kDate:
      if (!v.is_string()) Refuse(field, v);
      return v.get<std::string>().substr(0, 10);  // PostgreSQL reads a datetime's day
    case FieldType::kDatetime:
      if (!v.is_string()) Refuse(field, v);
      if (v.get_ref<const std::string&>().size() == 10) return v.get<std::string>() + " 00:00:00";
      return v;
    default:
      if (field.name() == "id") return Number(field, v);
      if (!v.is_string()) Refuse(field, v);
      return v;
  }
}

// The stored cell in the same terms.
Value CellValue(const Value& cell) {
  if (cell.is_number()) return cell.get<double>();
  return cell;
}

// <0, 0, >0; numbers by value, strings bytewise (the test cluster collates
// C.UTF-8: code point order), booleans false < true.
int Compare(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_boolean() && b.is_boolean()) return static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
  if (a.is_string() && b.is_string()) return a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
  throw std::invalid_argument("evaluator: cannot compare " + a.dump() + " with " + b.dump());
}

bool Holds(const std::string& op, int order) {
  if (op == "=") return order == 0;
  if (op == "!=") return order != 0;
  if (op == "<") return order < 0;
  if (op == ">") return order > 0;
  if (op == "<=") return order <= 0;
  if (op == ">=") return order >= 0;
  throw std::invalid_argument("evaluator: no comparison " + op);
}

// PostgreSQL's float8 output: shortest digits, exponent form outside
// [1e-4, 1e15).
std::string Float8Text(double value) {
  char buffer[64];
  const double magnitude = std::fabs(value);
  const auto format = (magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e15)) ? std::chars_format::scientific
                                                                                   : std::chars_format::fixed;
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  return std::string(buffer, result.ptr);
}

// The column as PostgreSQL's ::text shows it (LIKE on other types casts).
std::string TextOf(const Field& field, const Value& cell) {
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_boolean()) return cell.get<bool>() ? "true" : "false";
  if (cell.is_number_integer()) return std::to_string(cell.get<std::int64_t>());
  if (field.type() == FieldType::kFloat && !field.def().digits) return Float8Text(cell.get<double>());
  return cell.dump();
}

// UTF-8 to code points (the test data is valid UTF-8), ASCII letters folded
// to lower case when asked, as ILIKE does for them.
std::u32string CodePoints(const std::string& s, bool fold) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t c = len == 1 ? lead : lead & (0x7F >> len);
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (fold && c < 0x80) c = static_cast<char32_t>(std::tolower(static_cast<int>(c)));
    out.push_back(c);
    i += len;
  }
  return out;
}


Truth InList(const Field& field, const std::string& op, const Value& list, const Value& cell) {
  if (!list.is_array()) Refuse(field, list);
  const Family family = FamilyOf(field);
  std::vector<Value> items;
  for (const auto& item : list) {
    if (!IsUnsetValue(item)) items.push_back(item);
  }
  bool unset_counts = items.size() < list.size();
  // Python's `0 in items` and `'' in items`.
  auto has_zero = [&] {
    for (const auto& item : items) {
      if (item.is_number() && item.get<double>() == 0) return true;
    }
    return false;
  };
  auto has_empty = [&] {
    for (const auto& item : items) {
      if (item.is_string() && item.get_ref<const std::string&>().empty()) return true;
    }
    return false;
  };
  if (family == Family::kBoolean) {
    bool any_true = false;
    for (const auto& item : items) any_true = any_true || PythonTruthy(item);
    items.clear();
    if (any_true) items.push_back(true);
    if (unset_counts) items.push_back(false);
  } else if (family == Family::kNumber) {
    if (unset_counts && !has_zero()) items.push_back(0);
    unset_counts = unset_counts || has_zero();
  } else if (family == Family::kText) {
    if (unset_counts && !has_empty()) items.push_back("");
    unset_counts = unset_counts || has_empty();
  }
  const bool in = op == "in";
  Truth result;
  if (items.empty()) {
    result = FromBool(!in);
  } else if (cell.is_null()) {
    result = Truth::kUnknown;
  } else {
    const Value mine = CellValue(cell);
    bool member = false, null_item = false;
    for (const auto& item : items) {
      const Value theirs = family == Family::kId ? Value(Number(field, item)) : AsColumn(field, item);
      if (theirs.is_null()) {
        null_item = true;
      } else if (Compare(mine, theirs) == 0) {
        member = true;
      }
    }
    // x IN (.., NULL) is unknown when x is not found; NOT IN likewise.
    if (member) {
      result = FromBool(in);
    } else {
      result = null_item ? Truth::kUnknown : FromBool(!in);
    }
  }
  if (in == unset_counts) return Or(result, FromBool(cell.is_null()));
  if (!in) return And(result, FromBool(!cell.is_null()));
  return result;
}

}  // namespace

Truth Not(Truth t) {
  if (t == Truth::kUnknown) return t;
  return t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
}

Truth ColumnCondition(const Field& field, const std::string& op, const Value& value, const Value& cell) {
  // The operator's traits, read once (this runs for every record and leaf).
  const bool in_list = op == "in" || op == "not in";
  const bool equality = op == "=" || op == "!=";
  const bool ordering = op[0] == '<' || op[0] == '>';
  const bool like_family = op.ends_with("like");
  const bool wildcard = like_family && op[0] != '=';
  const bool negative = IsNegative(op);
  const Family family = FamilyOf(field);
  const Value* v = &value;  // replaced, never copied, where Odoo changes it
  Value changed;
  auto change = [&](Value to) {
    changed = std::move(to);
    v = &changed;
  };
  if (field.type() == FieldType::kDatetime && v->is_string() && v->get_ref<const std::string&>().size() == 10 &&
      !in_list) {
    change(v->get<std::string>() + (op == ">" || op == "<=" ? " 23:59:59" : " 00:00:00"));
  }
  if (in_list) return InList(field, op, *v, cell);
  if (family == Family::kBoolean && equality && v->is_boolean()) {
    const bool wanted = v->get<bool>() != negative;
    if (wanted) return cell.is_null() ? Truth::kUnknown : FromBool(cell.get<bool>());
    return FromBool(cell.is_null() || !cell.get<bool>());
  }
  const bool relation = family == Family::kId || field.type() == FieldType::kMany2one;
  if (relation && equality && !PythonTruthy(*v)) change(false);
  if (equality && IsUnsetValue(*v)) {
    if (family == Family::kNumber) {
      change(0);
    } else if (family == Family::kText) {
      change("");
    } else {
      return FromBool(cell.is_null() == (op == "="));
    }
  }
  const bool truthy = PythonTruthy(*v);
  if (wildcard && !truthy) return FromBool(!negative);

  Truth result = Truth::kUnknown;
  if (!cell.is_null()) {
    if (like_family) {
      if (!v->is_string()) Refuse(field, *v);
      const bool ignore_case = op.find("ilike") != std::string::npos;
      const std::string& text = v->get_ref<const std::string&>();
      const bool matches = cell.is_string()
                               ? LikeMatches(cell.get_ref<const std::string&>(), wildcard ? "%" + text + "%" : text,
                                             ignore_case)
                               : LikeMatches(TextOf(field, cell), wildcard ? "%" + text + "%" : text, ignore_case);
      result = FromBool(matches != negative);
    } else {
      result = FromBool(Holds(op, Compare(CellValue(cell), AsColumn(field, *v))));
    }
  }
  if (truthy == negative && !ordering) result = Or(result, FromBool(cell.is_null()));
  if (!like_family && family == Family::kNumber && ordering) {
    const double compared = AsColumn(field, *v).get<double>();
    if ((op == ">=" && compared <= 0) || (op == "<=" && compared >= 0) || (op == "<" && compared > 0) ||
        (op == ">" && compared < 0)) {
      result = Or(result, FromBool(cell.is_null()));
    }
  }
  return result;
}

bool LikeMatches(const std::string& text, const std::string& pattern, bool ignore_case) {
  const std::u32string t = CodePoints(text, ignore_case);
  const std::u32string chars = CodePoints(pattern, ignore_case);
  // The pattern as tokens: '%' any run, '_' any one, otherwise a literal
  // (after '\', whatever follows).
  constexpr char32_t kAnyRun = 0xFFFFFFFF, kAnyOne = 0xFFFFFFFE;
  std::u32string p;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (chars[i] == U'\\' && i + 1 < chars.size()) {
      p.push_back(chars[++i]);
    } else {
      p.push_back(chars[i] == U'%' ? kAnyRun : chars[i] == U'_' ? kAnyOne : chars[i]);
    }
  }
  // row[j]: the tokens so far match the first j characters.
  std::vector<char> row(t.size() + 1, 0), next(t.size() + 1, 0);
  row[0] = 1;
  for (char32_t token : p) {
    for (std::size_t j = 0; j <= t.size(); ++j) {
      if (token == kAnyRun) {
        next[j] = row[j] || (j > 0 && next[j - 1]);
      } else {
        next[j] = j > 0 && row[j - 1] && (token == kAnyOne || t[j - 1] == token);
      }
    }
    row.swap(next);
  }
  return row[t.size()] != 0;
}

}  // namespace citadel::orm::testing::evaluator
