// How res.users.action_reset_password (models/res_users_reset_password.cpp)
// reaches the server's mail: this module says what it needs, and the server
// gives it once at start (cli serve: web/mailed_password_reset.hpp, which
// issues the signed token and speaks SMTP). Modules never link the layers
// that own the server secret, the catalog or the relay; this seam is how the
// dependency points down.
//
//   SetPasswordResetDelivery(std::make_shared<MailedPasswordReset>(...));   // at start
//   SetPasswordResetDelivery(nullptr);                                     // before it goes away
//
// Without a delivery (tests, a server without [mail]) the action is a
// UserError saying the mail server cannot be reached, as Odoo's is.
// Thread-safe: the delivery is swapped under a mutex and shared by callers.
#pragma once

#include <cstdint>
#include <memory>

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::modules::base {

class PasswordResetDelivery {
 public:
  virtual ~PasswordResetDelivery() = default;
  // Mails user `uid` of the tenant whose database `tenant_db` is connected
  // to (inside the caller's transaction) a reset link; returns once the
  // relay took it or refused it. The error says what failed, never the link.
  virtual core::Result<void> MailResetLink(db::Connection& tenant_db, std::int64_t uid) = 0;
};

void SetPasswordResetDelivery(std::shared_ptr<PasswordResetDelivery> delivery);
std::shared_ptr<PasswordResetDelivery> PasswordResetDeliveryInUse();

}  // namespace citadel::modules::base
