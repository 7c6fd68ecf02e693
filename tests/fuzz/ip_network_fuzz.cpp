// Attacks address and network parsing, fed by X-Forwarded-For headers and config.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ip_network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto net = citadel::core::IpNetwork::Parse(text);
  auto address = citadel::core::IpAddress::Parse(text);
  if (net && address) (void)net->Contains(*address);
  if (address) (void)citadel::core::IpAddress::Parse(address->ToString());
  return 0;
}
