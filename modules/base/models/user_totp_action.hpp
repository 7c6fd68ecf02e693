// res.users.action_totp_disable (res_users_totp.cpp): the tenant admin turns
// off a user's two-factor authentication, for someone who lost both their
// device and their recovery codes (Odoo 18 auth_totp's action of the same
// name). Only base.group_system may call it: the users themselves turn it
// off on /web/totp with their password and a code, so a stolen API key
// cannot remove the second factor. The secret and recovery codes are
// deleted; the user enrols again after signing in with the password alone.
#pragma once

#include "orm/model_def.hpp"

namespace citadel::modules::base {

void AddTotpDisableAction(orm::ModelDef& users_def);

}  // namespace citadel::modules::base
