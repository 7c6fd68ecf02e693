#include "web/password_reset_mail.hpp"

#include <algorithm>
#include <chrono>

#include "auth/reset_token.hpp"
#include "core/logger.hpp"
#include "platform/web_session_store.hpp"

namespace citadel::web {
namespace {

// SQL text is literal only (db/sql_text.hpp): the shared start of the three lookups.
#define CITADEL_RESET_RECIPIENT_COLUMNS                                                     \
  "SELECT u.id, u.login, coalesce(u.password, '') AS hash, coalesce(p.email, '') AS email " \
  "FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.active AND "

std::optional<ResetRecipient> OnlyRecipient(const db::QueryResult& rows) {
  if (rows.rows() != 1 || rows.Text(0, "email").empty()) return std::nullopt;
  return ResetRecipient{std::stoll(rows.Text(0, "id")), rows.Text(0, "login"), rows.Text(0, "email"),
                        rows.Text(0, "hash")};
}

std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

core::Result<std::optional<ResetRecipient>> FindResetRecipient(db::Connection& tenant_db,
                                                                const std::string& login_or_email) {
  if (login_or_email.empty() || login_or_email.size() > 256) return std::optional<ResetRecipient>();
  auto by_login = tenant_db.Execute(CITADEL_RESET_RECIPIENT_COLUMNS "u.login = $1", login_or_email);
  if (!by_login) return core::Unexpected(by_login.error());
  if (!by_login->empty()) return OnlyRecipient(*by_login);
  auto by_email = tenant_db.Execute(CITADEL_RESET_RECIPIENT_COLUMNS "lower(p.email) = lower($1) LIMIT 2", login_or_email);
  if (!by_email) return core::Unexpected(by_email.error());
  return OnlyRecipient(*by_email);
}

core::Result<std::optional<ResetRecipient>> FindResetRecipientById(db::Connection& tenant_db, std::int64_t uid) {
  auto row = tenant_db.Execute(CITADEL_RESET_RECIPIENT_COLUMNS "u.id = $1", uid);
  if (!row) return core::Unexpected(row.error());
  return OnlyRecipient(*row);
}

int ReadResetValidityHours(db::Connection& tenant_db) {
  auto row = tenant_db.Execute(
      "SELECT btrim(value) AS value FROM ir_config_parameter WHERE key = 'auth_signup.reset_password.validity.hours'");
  if (!row || row->empty()) return 1;
  try {
    return std::clamp(std::stoi(row->Text(0, "value")), 1, 72);
  } catch (const std::exception&) {
    return 1;
  }
}

bool SendPasswordResetMail(WebPageServices& services, const std::string& tenant, const ResetRecipient& recipient,
                           int validity_hours, const std::string& request_id, std::function<void(bool sent)> sent) {
  if (!services.mail.enabled()) {
    core::Log().Warn("password reset mail not sent: no mail relay configured", {{"request_id", request_id}});
    return false;
  }
  const std::string token =
      services.reset_tokens.Issue(tenant, recipient.uid, platform::CredentialFingerprint(recipient.hash),
                                  UnixNow() + std::int64_t{validity_hours} * 3600);
  const std::string link = services.options.link_base_url + "/web/reset_password?db=" + tenant + "&token=" + token;
  core::MailMessage message;
  message.from = services.options.mail_from;
  message.to = recipient.email;
  message.subject = "Password reset";
  message.body = "Hello " + recipient.login + ",\n\n" +
                 "Someone asked to reset the password of your account \"" + recipient.login + "\" on " + tenant +
                 ".\nTo choose a new password, open this link within " + std::to_string(validity_hours) +
                 (validity_hours == 1 ? " hour" : " hours") + ":\n\n" + link +
                 "\n\nThe link works once. If you did not ask for this, ignore this e-mail: your password "
                 "stays as it is.\n";
  const std::string token_id = auth::ResetTokenSigner::TokenId(token).substr(0, 16);
  core::LogFields fields = {{"request_id", request_id}, {"tenant", tenant}, {"uid", recipient.uid},
                            {"token_ref", token_id}};
  const bool queued = services.mail.Submit(std::move(message), [fields, sent](core::Result<void> result) {
    if (result) {
      core::Log().Info("password reset mail sent", fields);
    } else {
      core::LogFields failed = fields;
      failed.emplace_back("error", result.error().message);
      core::Log().Error("password reset mail could not be sent", failed);
    }
    if (sent) sent(result.has_value());
  });
  if (!queued) core::Log().Error("password reset mail not sent: mail queue full", fields);
  return queued;
}

}  // namespace citadel::web

#undef CITADEL_RESET_RECIPIENT_COLUMNS
