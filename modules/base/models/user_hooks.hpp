// res.users' create and write, as Odoo 18's res_users.py (Users,
// UsersImplied): a user created without a partner gets one (Odoo's
// _inherits creates it from the user's name, email, lang and tz); the
// partner follows the user's company (unless global) and active flag;
// implied groups are stored (group_closure.hpp); the superuser cannot be
// activated and nobody can deactivate themselves.
#pragma once

#include "orm/model_def.hpp"

namespace citadel::modules::base {

void AddUserHooks(orm::ModelDef& users_def);

}  // namespace citadel::modules::base
