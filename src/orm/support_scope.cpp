#include "orm/support_scope.hpp"

#include <algorithm>
#include <array>

namespace citadel::orm {

bool IsSupportSecretModel(std::string_view model) {
  // The platform's own models (citadel.*: the support grants and audit, the
  // tenant's backups, whose downloads hold every password hash) and the
  // secrets' models of users (API keys and their wizard, TOTP).
  static constexpr std::array<std::string_view, 2> kSecret = {"res.users.apikeys",
                                                              "res.users.apikeys.description"};
  return std::find(kSecret.begin(), kSecret.end(), model) != kSecret.end() ||
         model.starts_with("citadel.") || model.starts_with("res.users.totp") ||
         model.starts_with("auth_totp");
}

bool IsSupportProtectedModel(std::string_view model) {
  static constexpr std::array<std::string_view, 11> kProtected = {
      "res.users",           "res.groups",    "ir.model.access", "ir.rule",
      "ir.config_parameter", "ir.model",      "ir.model.fields", "ir.model.data",
      "ir.module.module",    "res.users.log", "res.company"};
  return std::find(kProtected.begin(), kProtected.end(), model) != kProtected.end();
}

std::optional<std::string> SupportScope::Refusal(std::string_view model, bool writes,
                                                 bool su) const {
  const std::string name(model);
  if (IsSupportSecretModel(model)) return "Support access never reaches '" + name + "'.";
  if (writes && !read_write)
    return "This support grant is read-only: '" + name + "' cannot be changed.";
  if (su) return std::nullopt;
  if (std::find(models.begin(), models.end(), model) == models.end()) {
    return "This support grant does not cover '" + name + "'.";
  }
  if (writes && IsSupportProtectedModel(model))
    return "Support access never changes '" + name + "'.";
  return std::nullopt;
}

}  // namespace citadel::orm
