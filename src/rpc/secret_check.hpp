// VerifyAgainstAny: does a presented secret (a password or an API key) match
// one of a user's stored hashes? Each verification runs on the hashing pool,
// one after another (the password's hash first, then the API keys'), and
// stops at the first match. With no hash at all it verifies against a dummy,
// so that "nothing stored" costs what "wrong" costs.
//
// `done` runs on a hashing thread (or at once, with busy set, when the pool
// refuses the first step), exactly once. Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/password_hashing_service.hpp"

namespace citadel::rpc {

struct SecretVerdict {
  bool busy = false;                   // the pool refused: answer "busy"
  std::optional<std::string> matched;  // the stored hash that matched
};

void VerifyAgainstAny(core::PasswordHashingService& hashing, std::string secret, std::vector<std::string> hashes,
                      std::function<void(SecretVerdict)> done);

}  // namespace citadel::rpc
