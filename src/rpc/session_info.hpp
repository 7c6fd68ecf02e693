// The session_info dictionary that Odoo 18's /web/session/authenticate and
// /web/session/get_session_info answer (addons/web/models/ir_http.py
// session_info), for the keys that describe the user and the server: uid,
// is_system, is_admin, is_public, is_internal_user, user_context, db,
// server_version(_info), support_url, name, username, partner_display_name,
// partner_id, partner_write_date, web.base.url, active_ids_limit,
// max_file_upload_size, home_action_id, user_companies,
// display_switch_company_menu, currencies, bundle_params, test_mode.
// Keys that only Odoo's web client bootstraps with (menus, translations
// hashes, user settings, view info, profiling) are left out.
//
// Reads as su (Odoo reads the session's own user and its companies so), in
// the caller's transaction. Throws the ORM's errors; one thread.
#pragma once

#include <string_view>

#include "orm/environment.hpp"
#include "orm/value.hpp"

namespace citadel::rpc {

// `env` is the session user's; `db` the tenant's name as the client knows it.
orm::Value WebSessionInfo(const orm::Environment& env, std::string_view db);

}  // namespace citadel::rpc
