// MailedPasswordReset: the server's PasswordResetDelivery
// (modules/base/password_reset_delivery.hpp), behind the tenant admin's
// res.users.action_reset_password: the same token and mail as the "forgot
// password" page (password_reset_mail.hpp), but the admin's call waits for
// the relay's answer, so a failure becomes the action's "could not deliver"
// error (the admin knows the account exists; Odoo answers the same way).
//
// The wait holds a db worker (never an I/O thread) for at most the relay's
// timeout plus a margin. Thread-safe; the services and the tenant service
// must outlive it (the server clears the delivery before they go).
#pragma once

#include <chrono>

#include "modules/base/password_reset_delivery.hpp"
#include "platform/tenant_service.hpp"
#include "web/web_pages.hpp"

namespace citadel::web {

class MailedPasswordReset final : public modules::base::PasswordResetDelivery {
 public:
  MailedPasswordReset(WebPageServices& services, platform::TenantService& tenants, std::chrono::seconds wait)
      : services_(services), tenants_(tenants), wait_(wait) {}

  core::Result<void> MailResetLink(db::Connection& tenant_db, std::int64_t uid) override;

 private:
  WebPageServices& services_;
  platform::TenantService& tenants_;
  const std::chrono::seconds wait_;
};

}  // namespace citadel::web
