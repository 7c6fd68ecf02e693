// Odoo 19's JSON-2 API and its version route (odoo/addons/web/controllers/
// json2.py and webclient.py), for clients written for Odoo 19 and later:
//
//   GET  /web/version            {"version_info": [...], "version": "18.0"}
//   POST /json/2/<model>/<method>
//        Authorization: bearer <API key>      X-Odoo-Database: <tenant>
//        {"ids": [...], "context": {...}, <the method's named parameters>}
//     -> 200 and the method's result as JSON (records as their ids)
//
// The bearer is an API key of scope rpc (or global) of an active user
// (api_key_lookup.hpp), verified on the hashing pool and then cached as
// passwords are (CredentialCache); every call re-reads the key in its own
// transaction, so a revoked key or an archived user stops at once. No
// cookie session is read or set: the calls are stateless.
//
// Errors are Odoo 19's: an HTTP status and a JSON body {name, message,
// arguments, context, debug} (debug always empty: no internals leave).
//   400 a body that is not a JSON object; 401 no or a wrong key, or an
//   unknown database (answered as a wrong key); 403 AccessError (also a
//   private method); 404 no database named, an unknown model or method,
//   MissingError; 422 UserError, ValidationError, arguments that do not bind,
//   ids given to a model method; 500 anything else; 503 busy.
// The call goes through orm::CallModelMethod, the dispatcher of every other
// transport: the allow-list and its refusals are the same.
//
// `services` must outlive the router.
#pragma once

#include "http/router.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

void AddJson2Routes(http::Router& router, RpcServices& services);

}  // namespace citadel::rpc
