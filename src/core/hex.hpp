// Lower-case hexadecimal text of bytes, and back: digests, MACs and sealed
// secrets are stored and compared as such text. One implementation, so that
// every place agrees on the alphabet (lower case only) and on what is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace citadel::core {

std::string HexEncode(std::string_view bytes);
// The bytes of lower-case hex text; nullopt when the length is odd or a
// character is not one of 0-9a-f (upper case included: what we write, we read).
std::optional<std::string> HexDecode(std::string_view hex);

}  // namespace citadel::core
