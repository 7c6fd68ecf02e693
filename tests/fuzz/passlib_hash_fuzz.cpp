// Attacks the parser of stored password hashes: a hash comes from a database
// that an Odoo import or a restored backup may have filled with anything.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/password_hasher.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = citadel::core::ParsePasslibPbkdf2Sha512(text);
  if (parsed && parsed->rounds <= 50) {
    // Cheap round counts only: the fuzzer hunts parser bugs, not PBKDF2's cost.
    citadel::core::PasswordHasher hasher(1);
    (void)hasher.Verify("password", text);
  }
  return 0;
}
