// Attacks the parser of modules' data files ([[record]] / [[rule]] TOML):
// broken TOML, unknown keys, odd values, deep nesting must come back as
// errors, never as a crash; what parses keeps the parser's promises
// (qualified, valid xml ids; rule domains as compact JSON arrays).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orm/module_data.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = citadel::orm::ParseDataToml(text, "fuzz", "fuzz/data.toml");
  if (!parsed) return 0;
  for (const auto& record : parsed->records) {
    if (!citadel::orm::IsXmlId(record.xml_id) || record.xml_id.find('.') == std::string::npos) std::abort();
    if (!record.values.is_object()) std::abort();
  }
  for (const auto& rule : parsed->rules) {
    if (!citadel::orm::IsXmlId(rule.xml_id) || rule.xml_id.find('.') == std::string::npos) std::abort();
    auto domain = citadel::orm::Value::parse(rule.domain, nullptr, false);
    if (domain.is_discarded() || !domain.is_array()) std::abort();
  }
  return 0;
}
