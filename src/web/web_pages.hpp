// The first pages of the web client: sign-in and password reset, rendered
// server-side through the auto-escaping templates (page_templates.hpp), every
// form through the one CSRF guard (csrf_guard.hpp).
//
//   GET  /web/login                 the form (tenant from the Host, or a db field)
//   POST /web/login                 login + password -> the same session cookie
//                                   as /web/session/authenticate (rpc/web_sign_in.hpp),
//                                   the same checks and throttling (rpc/login_check.hpp);
//                                   during a cooldown: "Too many login failures..."
//   GET  /web                       who is signed in, and a log-out form
//   POST /web/session/logout        ends the session
//   POST /web/login/totp            the second step for users with two-factor
//                                   authentication (totp_sign_in.hpp)
//   GET  /web/totp                  enrol in / turn off two-factor authentication
//   POST /web/totp/enable|disable   (totp_pages.cpp)
//   GET  /web/api_keys              the user's API keys; create (shown once),
//   POST /web/api_keys/create|revoke revoke (api_key_pages.cpp)
//   GET  /web/reset_password        "forgot password" form; with ?db=&token=,
//                                   the new-password form of a mailed link
//   POST /web/reset_password        without token: mails a link if the account
//                                   exists (at most 3 an hour per account), answering
//                                   the same either way; with
//                                   token: sets the new password
//                                   (password_reset_use.hpp)
//
// Handlers parse and check on the I/O thread and do everything that waits
// (catalog, tenant, hashing, mail) on the db workers, the hashing pool and
// the mail outbox. Everything referenced must outlive the router.
#pragma once

#include <chrono>
#include <string>

#include "auth/reset_token.hpp"
#include "auth/reset_mail_quota.hpp"
#include "auth/reset_token_ledger.hpp"
#include "core/mail_outbox.hpp"
#include "http/router.hpp"
#include "rpc/rpc_services.hpp"
#include "web/csrf_guard.hpp"
#include "web/page_templates.hpp"

namespace citadel::web {

struct WebPageOptions {
  std::string tenant_domain;  // [server] tenant_domain
  std::string link_base_url;  // "https://erp.example.com": the start of mailed links
  std::string mail_from;      // [mail] from
};

struct WebPageServices {
  rpc::RpcServices& rpc;  // with web_sessions and throttle set
  const PageTemplates& templates;
  const FormGuard& guard;
  const auth::ResetTokenSigner& reset_tokens;
  auth::ResetTokenLedger& reset_ledger;
  auth::ResetMailQuota& reset_quota;  // "forgot password" mails per account and hour
  core::MailOutbox& mail;
  WebPageOptions options;
  // Signs the ticket between the password and the second factor
  // (totp_sign_in.hpp), under its own server key; set by citadel serve.
  // Null: users with two-factor authentication cannot sign in on the pages.
  const auth::ResetTokenSigner* second_factor_tickets = nullptr;
};

void AddLoginPages(http::Router& router, WebPageServices& services);
void AddPasswordResetPages(http::Router& router, WebPageServices& services);
// /web/login/totp (totp_sign_in.hpp), /web/totp (totp_pages.cpp),
// /web/api_keys (api_key_pages.cpp).
void AddSecondFactorSignIn(http::Router& router, WebPageServices& services);
void AddTotpPages(http::Router& router, WebPageServices& services);
void AddApiKeyPages(http::Router& router, WebPageServices& services);

inline void AddWebPages(http::Router& router, WebPageServices& services) {
  AddLoginPages(router, services);
  AddPasswordResetPages(router, services);
  AddSecondFactorSignIn(router, services);
  AddTotpPages(router, services);
  AddApiKeyPages(router, services);
}

}  // namespace citadel::web
