// What the account pages (login_page.cpp, totp_sign_in.cpp, totp_pages.cpp,
// api_key_pages.cpp) share: the page for a server-side failure, handing
// blocking work to a db worker with a "busy" page when the pool is full, and
// the signed-in user of a form, with their password re-checked for the
// changes that need it (as Odoo's check_identity).
// Thread-safe; the services must outlive the work.
#pragma once

#include <functional>

#include "http/router.hpp"
#include "rpc/rpc_error.hpp"
#include "rpc/rpc_services.hpp"
#include "web/csrf_guard.hpp"
#include "web/page_templates.hpp"
#include "web/signed_in_user.hpp"
#include "web/web_pages.hpp"

namespace citadel::web {

// 503 "busy" or 500 "something went wrong" (never the error's text).
http::Response ServerTroublePage(const PageTemplates& templates, const rpc::RpcError& error);

// Runs `task` on a db worker, or answers the busy page at once.
void OnDbWorker(rpc::RpcServices& services, const PageTemplates& templates, const http::Responder& respond,
                std::function<void()> task);

// A GET of a signed-in user's page: `show` runs on a db worker with the
// browser's CSRF binding and the user; without a live session, a redirect
// to /web/login.
void ShowToSignedInUser(WebPageServices& services, const http::Request& request, const http::Responder& respond,
                        std::function<void(const std::string& binding, const SignedInUser&)> show);

// On a db worker: the form's signed-in user, then `then` (on that worker);
// without a live session, a redirect to /web/login.
void WithSignedInUser(WebPageServices& services, const FormRequest& form, const http::Responder& respond,
                      std::function<void(const SignedInUser&)> then);

// The same, and the form's `password` field checked as a sign-in checks it
// (rpc/login_check.hpp: throttled, on the hashing pool, the same user):
// `then` runs on a db worker when it matched, `wrong_password` otherwise.
void WithConfirmedPassword(WebPageServices& services, const FormRequest& form, const http::Responder& respond,
                           std::function<void(const SignedInUser&)> then,
                           std::function<void(const SignedInUser&)> wrong_password);

}  // namespace citadel::web
