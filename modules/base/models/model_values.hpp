// Internal to the models' hooks and computes (models/*.cpp, and contacts'):
// Odoo's superuser and the id a many2one value holds. Pure; thread-safe.
#pragma once

#include <cstdint>

#include "orm/value.hpp"

namespace citadel::modules::base {

// Odoo's SUPERUSER_ID: base.user_root.
inline constexpr std::int64_t kSuperuserId = 1;

// The id of a many2one value, read ([id, display_name]) or written (id);
// 0 for false or anything else.
inline std::int64_t IdOf(const orm::Value& many2one) {
  if (many2one.is_array() && !many2one.empty()) return many2one[0].get<std::int64_t>();
  if (many2one.is_number_integer()) return many2one.get<std::int64_t>();
  return 0;
}

}  // namespace citadel::modules::base
