#include "web/mailed_password_reset.hpp"

#include <future>
#include <memory>

#include "web/password_reset_mail.hpp"

namespace citadel::web {
namespace {

// The tenant's name, as links and tokens carry it, for the database this
// connection is on (tenant databases have opaque names: t_<id>).
core::Result<std::string> TenantNameOf(platform::TenantService& tenants, db::Connection& tenant_db) {
  auto current = tenant_db.Execute("SELECT current_database() AS db");
  if (!current) return core::Unexpected(current.error());
  auto catalog = tenants.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto found = (*catalog)->Execute("SELECT name FROM tenants WHERE db_name = $1 AND state = 'active'",
                                   current->Text(0, "db"));
  if (!found) return core::Unexpected(found.error());
  if (found->empty()) return core::Fail(core::ErrorCode::kNotFound, "password reset: the tenant is not active");
  return found->Text(0, "name");
}

}  // namespace

core::Result<void> MailedPasswordReset::MailResetLink(db::Connection& tenant_db, std::int64_t uid) {
  auto tenant = TenantNameOf(tenants_, tenant_db);
  if (!tenant) return core::Unexpected(tenant.error());
  auto recipient = FindResetRecipientById(tenant_db, uid);
  if (!recipient) return core::Unexpected(recipient.error());
  if (!*recipient) return core::Fail(core::ErrorCode::kNotFound, "password reset: no active user with an e-mail");
  auto sent = std::make_shared<std::promise<bool>>();
  std::future<bool> outcome = sent->get_future();
  if (!SendPasswordResetMail(services_, *tenant, **recipient, ReadResetValidityHours(tenant_db), "admin-action",
                             [sent](bool ok) { sent->set_value(ok); })) {
    return core::Fail(core::ErrorCode::kUnavailable, "password reset: the mail could not be queued");
  }
  if (outcome.wait_for(wait_) != std::future_status::ready) {
    return core::Fail(core::ErrorCode::kTimeout, "password reset: the mail relay did not answer in time");
  }
  if (!outcome.get()) return core::Fail(core::ErrorCode::kUnavailable, "password reset: the relay refused the mail");
  return {};
}

}  // namespace citadel::web
