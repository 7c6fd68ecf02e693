// Attacks tenant-name validation: whatever it accepts must be a DNS label of
// [a-z0-9-] (it becomes a host name), never anything else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "platform/tenant_name.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view name(reinterpret_cast<const char*>(data), size);
  if (citadel::platform::TenantNameProblem(name)) return 0;
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-') std::abort();
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) std::abort();
  }
  return 0;
}
