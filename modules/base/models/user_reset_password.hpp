// res.users.action_reset_password (res_users_reset_password.cpp): the tenant
// admin mails a user a link to choose a new password.
#pragma once

#include "orm/model_def.hpp"

namespace citadel::modules::base {

void AddResetPasswordAction(orm::ModelDef& users_def);

}  // namespace citadel::modules::base
