#include "modules/base/ir_sequence_next.hpp"

#include <array>
#include <cstdio>
#include <map>

#include "orm/access_guard.hpp"
#include "orm/errors.hpp"

namespace citadel::modules::base {
namespace {

std::string Format(const char* format, const std::tm& when) {
  std::array<char, 16> buffer{};
  const std::size_t n = std::strftime(buffer.data(), buffer.size(), format, &when);
  return std::string(buffer.data(), n);
}

// Odoo's _interpolation_dict: strftime formats by key.
const std::map<std::string, const char*, std::less<>>& Formats() {
  static const std::map<std::string, const char*, std::less<>> formats = {
      {"year", "%Y"}, {"month", "%m"}, {"day", "%d"},     {"y", "%y"},
      {"doy", "%j"},  {"woy", "%W"},   {"weekday", "%w"}, {"h24", "%H"},
      {"h12", "%I"},  {"min", "%M"},   {"sec", "%S"}};
  return formats;
}

// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS"; false when it is neither.
bool ParseDate(const std::string& text, std::tm& out) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char tail = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%c", &year, &month, &day, &hour,
                            &minute, &second, &tail);
  if (!(n == 3 || n == 6) || month < 1 || month > 12 || day < 1 || day > 31) return false;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t t = timegm(&tm);  // normalises and fills yday/wday
  return gmtime_r(&t, &out) != nullptr;
}

std::tm Now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string InterpolateSequenceAffix(const std::string& text, const std::tm& when,
                                     const std::string& sequence_name) {
  auto invalid = [&] {
    return orm::UserError("Invalid prefix or suffix for sequence \xe2\x80\x9c" + sequence_name +
                          "\xe2\x80\x9d");
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    // %(key)s
    if (i + 1 >= text.size() || text[i + 1] != '(') throw invalid();
    const std::size_t close = text.find(')', i + 2);
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != 's') {
      throw invalid();
    }
    std::string_view key(text.data() + i + 2, close - i - 2);
    for (std::string_view prefix : {"range_", "current_"}) {
      if (key.substr(0, prefix.size()) == prefix) key.remove_prefix(prefix.size());
    }
    auto format = Formats().find(key);
    if (format == Formats().end()) throw invalid();
    out += Format(format->second, when);
    i = close + 1;
  }
  return out;
}

std::string NextSequenceValue(const orm::Environment& env, std::string_view code) {
  orm::AccessGuard::CheckModel(env, env.GetModel("ir.sequence"), orm::Operation::kRead);
  const std::int64_t company = orm::AccessGuard::CurrentCompanyId(env);
  auto result = env.connection().Execute(
      "UPDATE ir_sequence SET number_next = number_next + number_increment WHERE id = (SELECT id "
      "FROM ir_sequence WHERE code = $1 AND active AND (company_id = $2 OR company_id IS NULL) "
      "ORDER BY company_id NULLS LAST, id LIMIT 1) RETURNING number_next - number_increment AS "
      "number, coalesce(prefix, '') AS prefix, coalesce(suffix, '') AS suffix, padding, name",
      std::string(code), company);
  if (!result) throw orm::DatabaseError(std::move(result.error()));
  if (result->empty()) return "";
  std::tm when = Now();
  if (auto date = env.context().find("ir_sequence_date");
      date != env.context().end() && date->is_string()) {
    if (!ParseDate(date->get<std::string>(), when)) {
      throw orm::ValidationError("ir_sequence_date must be a date (YYYY-MM-DD)");
    }
  }
  const std::string name = result->Text(0, "name");
  const long long number = std::stoll(result->Text(0, "number"));
  const int padding = std::stoi(result->Text(0, "padding", "0"));
  std::string digits = std::to_string(number < 0 ? -number : number);
  if (static_cast<int>(digits.size()) < padding) {
    digits.insert(0, static_cast<std::size_t>(padding) - digits.size(), '0');
  }
  if (number < 0) digits.insert(0, 1, '-');
  return InterpolateSequenceAffix(result->Text(0, "prefix"), when, name) + digits +
         InterpolateSequenceAffix(result->Text(0, "suffix"), when, name);
}

}  // namespace citadel::modules::base
