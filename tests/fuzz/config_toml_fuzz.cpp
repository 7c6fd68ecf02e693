// Attacks the configuration loader: unknown keys, wrong types and broken TOML
// must come back as errors, never as a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto config = citadel::core::ParseConfigToml(text);
  (void)config.has_value();
  return 0;
}
