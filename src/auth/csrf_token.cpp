#include "auth/csrf_token.hpp"

#include "auth/token_mac.hpp"

namespace citadel::auth {

std::string CsrfTokens::For(std::string_view binding) const {
  return HmacSha256Hex(key_, std::string("csrf-v1:") + std::string(binding));
}

bool CsrfTokens::Matches(std::string_view binding, std::string_view presented) const {
  if (binding.empty() || presented.empty()) return false;
  return ConstantTimeEquals(For(binding), presented);
}

}  // namespace citadel::auth
