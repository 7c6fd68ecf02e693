// The "forgot password" e-mail: whom it goes to, the link it carries, and
// handing it to the mail outbox.
//
// The recipient is the one active user whose login is what was typed, else
// the one whose e-mail is (Odoo 18's reset_password: login first, then
// e-mail), and who has an e-mail address; anything else (none, several, no
// address) sends nothing, and the caller answers the same way regardless.
// The link is <link base>/web/reset_password?db=<tenant>&token=<token>
// (Odoo's route and parameters), the token issued for the user's current
// password hash (auth/reset_token.hpp) and valid for the tenant's
// `auth_signup.reset_password.validity.hours` (Odoo's key; default 1 here,
// clamped to 1..72).
//
// Lookups block on the tenant: call on a db worker. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "web/web_pages.hpp"

namespace citadel::web {

struct ResetRecipient {
  std::int64_t uid = 0;
  std::string login;
  std::string email;
  std::string hash;  // the stored password hash (may be empty): the token binds to it
};

core::Result<std::optional<ResetRecipient>> FindResetRecipient(db::Connection& tenant_db,
                                                                const std::string& login_or_email);
core::Result<std::optional<ResetRecipient>> FindResetRecipientById(db::Connection& tenant_db, std::int64_t uid);

int ReadResetValidityHours(db::Connection& tenant_db);

// Issues a token and queues the mail; `sent` is told (on a mail thread)
// whether the relay took it. False when the outbox refused the mail at once
// (no relay configured, queue full). Logs (never the token or link) what
// happened.
bool SendPasswordResetMail(WebPageServices& services, const std::string& tenant, const ResetRecipient& recipient,
                           int validity_hours, const std::string& request_id,
                           std::function<void(bool sent)> sent = {});

}  // namespace citadel::web
