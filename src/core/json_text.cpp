#include "core/json_text.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace citadel::core {
namespace {

// Written as is by nlohmann's dump too: printable ASCII but for '"' and '\'.
bool WrittenAsIs(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

std::string Dumped(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  if (!WrittenAsIs(text)) {
    out += Dumped(nlohmann::json(std::string(text)));
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

void AppendJsonInteger(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void AppendJsonDouble(std::string& out, double value) { out += Dumped(nlohmann::json(value)); }

}  // namespace citadel::core
