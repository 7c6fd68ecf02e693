// Odoo's has_group / env.is_system for module code: whether the
// Environment's user is in a group named by its external id. Implied groups
// count, because they are stored (group_closure.hpp). Fixed SQL on Odoo's
// ir_model_data and res_groups_users_rel, in the caller's transaction; no
// state, so as thread-safe as the Environment.
#pragma once

#include <string_view>

#include "orm/environment.hpp"

namespace citadel::modules::base {

// `module` and `name` of the group's external id ("base", "group_user").
// The user's groups, whatever su says.
bool UserInGroup(const orm::Environment& env, std::string_view module, std::string_view name);

// Odoo's env.is_system(): su, or a user of base.group_system.
bool IsSystem(const orm::Environment& env);

}  // namespace citadel::modules::base
