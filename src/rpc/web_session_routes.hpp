// The session routes that web-oriented Odoo clients use (odoo/addons/web/
// controllers/session.py and dataset.py), all type='json' (json_route.hpp):
//
//   POST /web/session/authenticate      {db, login, password[, base_location]}
//        -> session_info (session_info.hpp), and a new session_id cookie
//   POST /web/session/get_session_info  {} -> session_info
//   POST /web/session/destroy           {} -> null, and the cookie dropped
//   POST /web/dataset/call_kw[/<path>]  {model, method, args, kwargs}
//        -> what the model method returns (orm::CallModelMethod, the same
//           dispatcher as execute_kw: allow-list, private names never)
//
// Sessions are server-side (platform/web_session_store.hpp): the cookie
// holds a random id, Secure, HttpOnly, SameSite=Lax, for the store's
// inactivity. Signing in always makes a new id (a session id planted before
// sign-in is never promoted) and ends the one the request came with; that
// code is web_sign_in.hpp, which the login page (web/web_pages.hpp) shares. Each
// call with a session re-reads its user in the call's own transaction: an
// archived user or a new password ends the session (Odoo's session token).
// No session, or an ended one: code 100 "Odoo Session Expired", as Odoo.
// A failed sign-in is AccessDenied whatever was wrong (login_check.hpp), also
// for an unknown database, which Odoo would name.
//
// Unknown model in call_kw: 404 (werkzeug's NotFound), as Odoo's routing.
// `services` (with web_sessions set) must outlive the router.
#pragma once

#include "http/router.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

void AddWebSessionRoutes(http::Router& router, RpcServices& services);

}  // namespace citadel::rpc
