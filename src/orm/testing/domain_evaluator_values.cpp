// What a condition on a column means, stated the way Odoo's documentation
// and _condition_to_sql's comments put it rather than as SQL:
//   * numbers: an unset number is 0 (=, !=, <, >, in...: NULL behaves as 0);
//   * char/text/html: an unset string is '' for =, !=, in, not in;
//   * booleans: an unset boolean is false;
//   * anything else: "= false" means unset, "!= false" set; a positive test
//     with a value never holds for an unset column, a negative one always;
//   * like/ilike look for the value anywhere ('%' and '_' still wildcards),
//     and an empty value matches every record (not like: none).
#include "orm/testing/domain_evaluator_values.hpp"

#include <charconv>
#include <cctype>
#include <cmath>
#include <vector>

namespace citadel::orm::testing::evaluator {
namespace {

using Op = DomainOperator;

enum class Family { kNumber, kString, kBoolean, kOther };

Family FamilyOf(const Field& field) {
  if (field.name() == "id") return Family::kOther;
  switch (field.type()) {
    case FieldType::kInteger:
    case FieldType::kFloat:
    case FieldType::kMonetary: return Family::kNumber;
    case FieldType::kChar:
    case FieldType::kText:
    case FieldType::kHtml: return Family::kString;
    case FieldType::kBoolean: return Family::kBoolean;
    default: return Family::kOther;
  }
}

bool IsFalseValue(const Value& v) { return v.is_boolean() && !v.get<bool>(); }

// The value an unset column stands for, in the families that have one.
Value ZeroOf(Family family) {
  switch (family) {
    case Family::kNumber: return 0;
    case Family::kString: return "";
    case Family::kBoolean: return false;
    case Family::kOther: break;
  }
  return nullptr;
}

// <0, 0, >0 like strcmp; numbers by value, strings bytewise (the test
// cluster collates C.UTF-8: code point order), booleans false < true.
int Compare(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_boolean() && b.is_boolean()) return static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
  if (a.is_boolean() && b.is_number()) return Compare(Value(a.get<bool>() ? 1 : 0), b);
  if (a.is_number() && b.is_boolean()) return Compare(a, Value(b.get<bool>() ? 1 : 0));
  const auto& x = a.get_ref<const std::string&>();
  const auto& y = b.get_ref<const std::string&>();
  return x.compare(y);
}

bool Holds(Op op, int order) {
  switch (op) {
    case Op::kEqual: return order == 0;
    case Op::kNotEqual: return order != 0;
    case Op::kLess: return order < 0;
    case Op::kGreater: return order > 0;
    case Op::kLessEqual: return order <= 0;
    case Op::kGreaterEqual: return order >= 0;
    default: return false;
  }
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

// The column as PostgreSQL's ::text shows it.
std::string TextOf(const Field& field, const Value& cell) {
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_boolean()) return cell.get<bool>() ? "true" : "false";
  if (cell.is_number_integer()) return std::to_string(cell.get<std::int64_t>());
  if (field.type() == FieldType::kFloat) return Float8Text(cell.get<double>());
  return cell.dump();
}

std::vector<std::string> Characters(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 1;
    while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

Truth LikeCondition(const Field& field, Op op, const Value& value, const Value& cell) {
  const bool contains = op == Op::kLike || op == Op::kNotLike || op == Op::kIlike || op == Op::kNotIlike;
  const bool negative = op == Op::kNotLike || op == Op::kNotIlike;
  if (contains && !Truthy(value)) return FromBool(!negative);  // "like ''" is every record
  if (cell.is_null()) {
    if (negative) return Truth::kTrue;               // "not like x": unset is not like x
    return Truthy(value) ? Truth::kUnknown : Truth::kTrue;  // "=like ''": unset counts as ''
  }
  const std::string pattern = contains ? "%" + value.get<std::string>() + "%" : value.get<std::string>();
  const bool ignore_case = op == Op::kIlike || op == Op::kNotIlike || op == Op::kEqualIlike;
  const bool matches = LikeMatches(TextOf(field, cell), pattern, ignore_case);
  return FromBool(matches != negative);
}

Truth InCondition(const Field& field, Op op, const Value& list, const Value& cell) {
  const Family family = FamilyOf(field);
  std::vector<Value> members;
  bool had_false = false, any_true = false;
  for (const auto& item : list) {
    if (IsFalseValue(item)) {
      had_false = true;
    } else {
      members.push_back(item);
      any_true = any_true || Truthy(item);
    }
  }
  if (family == Family::kBoolean) {  // only truth counts: true if any item is truthy
    members.clear();
    if (any_true) members.push_back(true);
  }
  if (had_false && family != Family::kOther) members.push_back(ZeroOf(family));  // false is the zero value
  auto member = [&](const Value& v) {
    for (const auto& m : members) {
      if (Compare(v, m) == 0) return true;
    }
    return false;
  };
  bool unset_is_member = had_false;
  if (family != Family::kOther) unset_is_member = member(ZeroOf(family));
  const bool in = op == Op::kIn;
  if (cell.is_null()) {
    if (unset_is_member) return FromBool(in);
    if (!in) return Truth::kTrue;
    return members.empty() ? Truth::kFalse : Truth::kUnknown;
  }
  return FromBool(member(cell) == in);
}

}  // namespace

Truth Not(Truth t) {
  if (t == Truth::kUnknown) return t;
  return t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
}

bool Truthy(const Value& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  if (v.is_array()) return !v.empty();
  return false;
}

Truth ColumnCondition(const Field& field, DomainOperator op, const Value& value, const Value& cell) {
  if (op == Op::kIn || op == Op::kNotIn) return InCondition(field, op, value, cell);
  if (op != Op::kEqual && op != Op::kNotEqual && op != Op::kLess && op != Op::kGreater && op != Op::kLessEqual &&
      op != Op::kGreaterEqual) {
    return LikeCondition(field, op, value, cell);
  }
  const Family family = FamilyOf(field);
  const bool equality = op == Op::kEqual || op == Op::kNotEqual;
  if (family == Family::kBoolean) {
    // "= true" holds for true only; "= false" for false and unset.
    const bool wanted = Truthy(value) != (op == Op::kNotEqual);
    if (cell.is_null()) return wanted ? Truth::kUnknown : Truth::kTrue;
    return FromBool(cell.get<bool>() == wanted);
  }
  Value wanted = value;
  const bool relational = field.name() == "id" || field.type() == FieldType::kMany2one;
  if (equality && relational && !Truthy(wanted)) wanted = false;  // no record: 0 is "none"
  if (equality && IsFalseValue(wanted)) {
    if (family == Family::kOther) return FromBool(cell.is_null() == (op == Op::kEqual));
    wanted = ZeroOf(family);
  }
  if (cell.is_null()) {
    if (family == Family::kNumber) return Holds(op, Compare(ZeroOf(family), wanted)) ? Truth::kTrue : Truth::kUnknown;
    if (!equality) return Truth::kUnknown;
    if (family == Family::kString) return Holds(op, Compare(ZeroOf(family), wanted)) ? Truth::kTrue : Truth::kUnknown;
    // Other types: unset satisfies a negative test of a value, and a
    // positive test of an empty value ('' on a selection).
    return Truthy(wanted) == (op == Op::kNotEqual) ? Truth::kTrue : Truth::kUnknown;
  }
  return FromBool(Holds(op, Compare(cell, wanted)));
}

bool LikeMatches(const std::string& text, const std::string& pattern, bool ignore_case) {
  auto fold = [&](std::string s) {
    if (ignore_case) {
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
  };
  const std::vector<std::string> t = Characters(fold(text));
  // The pattern as tokens: "%" any run, "_" any one, otherwise a literal.
  struct Token {
    enum { kAny, kOne, kLiteral } kind;
    std::string literal;
  };
  std::vector<Token> p;
  const std::vector<std::string> chars = Characters(fold(pattern));
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (chars[i] == "\\" && i + 1 < chars.size()) {
      p.push_back({Token::kLiteral, chars[++i]});
    } else if (chars[i] == "%") {
      p.push_back({Token::kAny, ""});
    } else if (chars[i] == "_") {
      p.push_back({Token::kOne, ""});
    } else {
      p.push_back({Token::kLiteral, chars[i]});
    }
  }
  // match[i][j]: the first i tokens match the first j characters.
  std::vector<std::vector<bool>> match(p.size() + 1, std::vector<bool>(t.size() + 1, false));
  match[0][0] = true;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    for (std::size_t j = 0; j <= t.size(); ++j) {
      switch (p[i - 1].kind) {
        case Token::kAny: match[i][j] = match[i - 1][j] || (j > 0 && match[i][j - 1]); break;
        case Token::kOne: match[i][j] = j > 0 && match[i - 1][j - 1]; break;
        case Token::kLiteral: match[i][j] = j > 0 && match[i - 1][j - 1] && t[j - 1] == p[i - 1].literal; break;
      }
    }
  }
  return match[p.size()][t.size()];
}

}  // namespace citadel::orm::testing::evaluator
