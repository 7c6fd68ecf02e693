// GET /web/totp, POST /web/totp/enable, POST /web/totp/disable (web_pages.hpp):
// a signed-in user turns two-factor authentication on or off, as Odoo 18's
// auth_totp wizard does, with modules/base/user_totp.hpp underneath.
//
// Enrolment: the page shows the pending secret (the same one until it is
// confirmed) as a QR code of its otpauth:// URI (qr_code_svg.hpp) and as
// text; turning it on takes a current code and the password (re-checked as
// a sign-in is), and shows the recovery codes once. Turning it off takes the
// password and a current code or a recovery code. Every POST passes the CSRF
// guard; every check is counted (the rate limits of user_totp.hpp and of
// sign-ins).
#include <ctime>
#include <memory>

#include "auth/totp.hpp"
#include "core/logger.hpp"
#include "modules/base/user_totp.hpp"
#include "web/account_page_support.hpp"
#include "web/page_response.hpp"
#include "web/qr_code_svg.hpp"
#include "web/web_pages.hpp"

namespace citadel::web {
namespace {

using modules::base::SecondFactorVerdict;

constexpr const char* kWrongPassword = "Wrong password.";
constexpr const char* kWrongTotpCode = "Wrong code, or a code already used. Try the next one.";
constexpr const char* kTooManyTotpCodes = "Too many wrong codes. Wait up to 15 minutes, then try again.";

std::int64_t TotpPagesNow() { return static_cast<std::int64_t>(std::time(nullptr)); }

// The base32 key in groups of four, as apps accept it typed.
std::string GroupedKey(const std::string& secret) {
  const std::string plain = auth::Base32Encode(secret, false);
  std::string grouped;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i % 4 == 0) grouped.push_back(' ');
    grouped.push_back(plain[i]);
  }
  return grouped;
}

struct TotpPageNotes {
  std::string error;
  std::string message;
  std::vector<std::string> recovery_codes;  // just made: shown this once
};

// On a db worker: the page as the user's second factor stands now.
void ShowTotpPage(WebPageServices& services, const std::string& binding, const SignedInUser& user,
                  const TotpPageNotes& notes, const http::Responder& respond, int status = 200) {
  auto connection = services.rpc.tenants.Acquire(user.tenant);
  if (!connection) return respond(ServerTroublePage(services.templates, rpc::RpcError::Busy()));
  db::Connection& tenant = **connection;
  auto enabled = modules::base::TotpEnabled(tenant, user.uid);
  if (!enabled) {
    core::Log().Error("totp page: reading the second factor failed", {{"error", enabled.error().message}});
    return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal("totp")));
  }
  PageValues values;
  values.Set("csrf_token", services.guard.TokenFor({binding, std::nullopt}))
      .Set("login", user.login)
      .Set("db", user.tenant)
      .SetUnlessEmpty("error", notes.error)
      .SetUnlessEmpty("message", notes.message)
      .SetFlag("enabled", *enabled)
      .SetFlag("enrolling", !*enabled)
      .SetFlag("has_recovery_codes", !notes.recovery_codes.empty())
      .SetList("recovery_codes", notes.recovery_codes);
  if (*enabled) {
    auto left = modules::base::RecoveryCodesLeft(tenant, user.uid);
    values.Set("recovery_left", left ? std::to_string(*left) : std::string("?"));
  } else {
    auto secret = modules::base::PendingTotpSecret(tenant, user.uid);
    if (secret && !*secret) secret = modules::base::StartTotpEnrolment(tenant, user.uid);
    if (!secret || !*secret) {
      core::Log().Error("totp page: no enrolment secret", {{"error", secret ? "already on" : secret.error().message}});
      return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal("totp")));
    }
    const std::string uri = auth::TotpUri("Citadel " + user.tenant, user.login, **secret);
    if (auto qr = QrCodeSvg(uri)) values.SetSanitizedHtml("qr", *qr);
    values.Set("secret", GroupedKey(**secret));
  }
  respond(HtmlPage(status, services.templates.Get("totp.html").Render(values)));
}

std::function<void(const SignedInUser&)> WrongPasswordAnswer(WebPageServices& services, const std::string& binding,
                                                             const http::Responder& respond) {
  return [&services, binding, respond](const SignedInUser& user) {
    ShowTotpPage(services, binding, user, {kWrongPassword, "", {}}, respond);
  };
}

std::string VerdictError(SecondFactorVerdict verdict) {
  return verdict == SecondFactorVerdict::kCoolingDown ? kTooManyTotpCodes : kWrongTotpCode;
}

void EnablePost(WebPageServices& services, FormRequest form, http::Responder respond) {
  const std::string binding = form.binding;
  const std::string code = form.fields.Get("code");
  WithConfirmedPassword(
      services, form, respond,
      [&services, binding, code, respond](const SignedInUser& user) {
        auto connection = services.rpc.tenants.Acquire(user.tenant);
        if (!connection) return respond(ServerTroublePage(services.templates, rpc::RpcError::Busy()));
        std::vector<std::string> recovery_codes;
        auto verdict =
            modules::base::ConfirmTotpEnrolment(**connection, user.uid, code, TotpPagesNow(), recovery_codes);
        if (!verdict) {
          core::Log().Error("totp enable failed", {{"error", verdict.error().message}});
          return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal("totp")));
        }
        TotpPageNotes notes;
        if (*verdict == SecondFactorVerdict::kAccepted) {
          core::Log().Info("two-factor authentication turned on", {{"tenant", user.tenant}, {"uid", user.uid}});
          notes.message = "Two-factor authentication is on.";
          notes.recovery_codes = std::move(recovery_codes);
        } else {
          notes.error = VerdictError(*verdict);
        }
        ShowTotpPage(services, binding, user, notes, respond);
      },
      WrongPasswordAnswer(services, binding, respond));
}

void DisablePost(WebPageServices& services, FormRequest form, http::Responder respond) {
  const std::string binding = form.binding;
  const std::string code = form.fields.Get("code");
  WithConfirmedPassword(
      services, form, respond,
      [&services, binding, code, respond](const SignedInUser& user) {
        auto connection = services.rpc.tenants.Acquire(user.tenant);
        if (!connection) return respond(ServerTroublePage(services.templates, rpc::RpcError::Busy()));
        auto verdict = modules::base::CheckSecondFactor(**connection, user.uid, code, TotpPagesNow());
        if (verdict && *verdict == SecondFactorVerdict::kAccepted) {
          auto removed = modules::base::DisableTotp(**connection, user.uid);
          if (removed) {
            core::Log().Info("two-factor authentication turned off", {{"tenant", user.tenant}, {"uid", user.uid}});
            return ShowTotpPage(services, binding, user, {"", "Two-factor authentication is off.", {}}, respond);
          }
          verdict = core::Unexpected(removed.error());
        }
        if (!verdict) {
          core::Log().Error("totp disable failed", {{"error", verdict.error().message}});
          return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal("totp")));
        }
        ShowTotpPage(services, binding, user, {VerdictError(*verdict), "", {}}, respond);
      },
      WrongPasswordAnswer(services, binding, respond));
}

}  // namespace

void AddTotpPages(http::Router& router, WebPageServices& services) {
  router.Add("GET", "/web/totp", [&services](const http::Request& request, http::Responder respond) {
    ShowToSignedInUser(services, request, respond, [&services, respond](const std::string& binding, const SignedInUser& user) {
      ShowTotpPage(services, binding, user, {}, respond);
    });
  });
  services.guard.AddFormRoute(router, "/web/totp/enable", [&services](FormRequest form, http::Responder respond) {
    EnablePost(services, std::move(form), std::move(respond));
  });
  services.guard.AddFormRoute(router, "/web/totp/disable", [&services](FormRequest form, http::Responder respond) {
    DisablePost(services, std::move(form), std::move(respond));
  });
}

}  // namespace citadel::web
