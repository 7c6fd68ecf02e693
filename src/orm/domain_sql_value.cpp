// Values of a domain as PostgreSQL text parameters: the text travels apart
// from the statement ($n), so these only have to be what PostgreSQL's input
// functions read back as the same value.
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "orm/domain_sql_builder.hpp"

namespace citadel::orm::domain_sql {
namespace {

// The shortest text that reads back as the same double (float8 input is
// exact for it; numeric input takes it as the decimal it shows).
std::string ShortestText(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) throw std::logic_error("cannot format a double");
  return std::string(buffer, end);
}

// Odoo's float_round(value, precision_digits=scale) then float_repr: half
// away from zero, on the decimal the client wrote (its shortest text), so
// 1.005 gives 1.01 as Odoo's epsilon trick does.
std::string RoundedText(double value, int scale) {
  char buffer[512];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (error != std::errc()) throw std::logic_error("cannot format a double");
  std::string text(buffer, end);
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.erase(0, 1);
  auto dot = text.find('.');
  std::string whole = dot == std::string::npos ? text : text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  const bool round_up = fraction.size() > static_cast<std::size_t>(scale) && fraction[scale] >= '5';
  fraction.resize(scale, '0');
  std::string digits = whole + fraction;
  if (round_up) {
    std::size_t i = digits.size();
    while (i > 0) {
      --i;
      if (digits[i] == '9') {
        digits[i] = '0';
        continue;
      }
      ++digits[i];
      break;
    }
    if (digits.empty() || (i == 0 && digits[0] == '0')) digits.insert(digits.begin(), '1');
  }
  std::string out = digits.substr(0, digits.size() - scale);
  if (scale > 0) out += "." + digits.substr(digits.size() - scale);
  const bool zero = out.find_first_not_of("0.") == std::string::npos;
  return (negative && !zero ? "-" : "") + out;
}

std::string Text(const Field& field, const Value& value) {
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (field.type() == FieldType::kBoolean && value.is_number_integer()) {
    return value.get<std::int64_t>() != 0 ? "true" : "false";  // Odoo's bool(value)
  }
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (field.type() == FieldType::kFloat && field.def().digits) return RoundedText(number, field.def().digits->second);
    return ShortestText(number);
  }
  if (value.is_string()) return value.get<std::string>();
  throw std::logic_error("a domain value of no SQL type reached the compiler");
}

}  // namespace

db::Param ValueText(const Field& field, const Value& value) { return Text(field, value); }

std::string ArrayText(const Field& field, const std::vector<Value>& values) {
  // Every element double-quoted, with '"' and '\' escaped: the array input
  // function then reads it as exactly that string, whatever it holds.
  std::string text = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ',';
    text += '"';
    for (char c : Text(field, values[i])) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    text += '"';
  }
  text += '}';
  return text;
}

}  // namespace citadel::orm::domain_sql
