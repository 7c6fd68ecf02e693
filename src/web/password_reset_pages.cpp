// GET/POST /web/reset_password (web_pages.hpp): the "forgot password" form
// and, with a token, the new-password form of a mailed link.
#include <memory>

#include "core/logger.hpp"
#include "web/page_response.hpp"
#include "web/password_reset_mail.hpp"
#include "web/password_reset_use.hpp"
#include "web/tenant_of_request.hpp"
#include "web/web_pages.hpp"

namespace citadel::web {
namespace {

// One answer whether or not the account exists (nothing tells them apart:
// the mail goes out later, on the mail pool).
constexpr const char* kResetRequested =
    "If an account matches, we have sent a link to choose a new password to its e-mail address.";
constexpr const char* kMailUnavailable =
    "The e-mail could not be sent: password reset by e-mail is not available on this server. "
    "Contact your administrator.";
constexpr const char* kLinkInvalid =
    "This link is not valid: it has expired, was already used, or the password was changed since. "
    "Ask for a new one.";

struct ResetRequestForm {
  std::string db;
  std::string login;
  bool ask_db = true;
  std::string error;
  std::string message;
};

http::Response ResetRequestPage(const WebPageServices& services, const std::string& binding,
                                const ResetRequestForm& form) {
  PageValues values;
  values.Set("csrf_token", services.guard.TokenFor({binding, std::nullopt}))
      .Set("db", form.db)
      .Set("login", form.login)
      .SetFlag("ask_db", form.ask_db)
      .Set("error", form.error)
      .Set("message", form.message);
  return HtmlPage(200, services.templates.Get("reset_request.html").Render(values));
}

struct NewPasswordForm {
  std::string db;
  std::string token;
  std::string login;
  std::string error;
  bool invalid_token = false;
};

http::Response NewPasswordPage(const WebPageServices& services, const std::string& binding,
                               const NewPasswordForm& form) {
  PageValues values;
  values.Set("csrf_token", services.guard.TokenFor({binding, std::nullopt}))
      .Set("db", form.db)
      .Set("token", form.invalid_token ? std::string() : form.token)
      .Set("login", form.login)
      .Set("error", form.error)
      .SetFlag("invalid_token", form.invalid_token);
  return HtmlPage(form.invalid_token ? 400 : 200, services.templates.Get("reset_password.html").Render(values));
}

http::Response BusyPage(const WebPageServices& services) {
  return RefusedPage(services.templates, 503, "Server busy", "The server is busy; try again in a moment.");
}

void ResetGet(WebPageServices& services, const http::Request& request, http::Responder respond) {
  const BrowserBinding binding = services.guard.BindingOf(request);
  auto query = FormFields::Parse(request.query);
  const std::string db = TenantOfRequest(query ? query->Get("db") : "", request.Header("Host"),
                                         services.options.tenant_domain);
  auto with_cookie = [binding](http::Response response) {
    if (binding.set_cookie) response.headers.emplace_back("Set-Cookie", *binding.set_cookie);
    return response;
  };
  const std::string token = query ? query->Get("token") : std::string();
  if (token.empty()) {
    ResetRequestForm form;
    form.db = db;
    form.ask_db = !HostNamesTenant(request.Header("Host"), services.options.tenant_domain);
    return respond(with_cookie(ResetRequestPage(services, binding.value, form)));
  }
  auto task = [&services, binding, db, token, respond, with_cookie] {
    NewPasswordForm form{db, token, "", "", false};
    auto login = ResetLinkLogin(services, db, token);
    if (login) {
      form.login = *login;
    } else {
      form.invalid_token = true;
      form.error = kLinkInvalid;
    }
    respond(with_cookie(NewPasswordPage(services, binding.value, form)));
  };
  if (!services.rpc.db_workers.Submit(std::move(task))) respond(BusyPage(services));
}

// On a db worker: look the account up, mail it a link if it exists.
void RequestReset(WebPageServices& services, const FormRequest& form, ResetRequestForm shown,
                  const http::Responder& respond) {
  shown.message = kResetRequested;
  if (services.rpc.tenants.IsLive(shown.db)) {
    auto connection = services.rpc.tenants.Acquire(shown.db);
    if (connection) {
      auto recipient = FindResetRecipient(**connection, shown.login);
      if (!recipient) {
        core::Log().Error("password reset: reading the account failed",
                          {{"request_id", form.request_id}, {"error", recipient.error().message}});
      } else if (*recipient) {
        auto allowed = services.reset_quota.Take(shown.db, (*recipient)->uid, form.client_ip);
        if (!allowed) {
          core::Log().Error("password reset: the mail quota could not be read",
                            {{"request_id", form.request_id}, {"error", allowed.error().message}});
        } else if (!*allowed) {
          core::Log().Warn("password reset mail not sent: this account or this source had its mails for the hour",
                           {{"request_id", form.request_id}, {"tenant", shown.db}, {"uid", (*recipient)->uid}});
        } else {
          (void)SendPasswordResetMail(services, shown.db, **recipient, ReadResetValidityHours(**connection),
                                      form.request_id);
        }
      }
    }
  }
  respond(ResetRequestPage(services, form.binding, shown));
}

void ConfirmReset(WebPageServices& services, const FormRequest& form, NewPasswordForm shown,
                  const http::Responder& respond) {
  const std::string password = form.fields.Get("password");
  if (password != form.fields.Get("confirm_password")) {
    shown.login = ResetLinkLogin(services, shown.db, shown.token).value_or("");
    shown.invalid_token = shown.login.empty();
    shown.error = shown.invalid_token ? kLinkInvalid : "Passwords do not match; please retype them.";
    return respond(NewPasswordPage(services, form.binding, shown));
  }
  ResetOutcome outcome = UsePasswordResetLink(services, shown.db, shown.token, password, form.request_id);
  if (std::holds_alternative<ResetDone>(outcome)) {
    return respond(RedirectTo("/web/login?db=" + shown.db + "&password_reset=1"));
  }
  if (auto* refused = std::get_if<ResetRefused>(&outcome)) {
    shown.login = ResetLinkLogin(services, shown.db, shown.token).value_or("");
    shown.error = refused->why;
    return respond(NewPasswordPage(services, form.binding, shown));
  }
  if (std::holds_alternative<ResetFailed>(outcome)) {
    return respond(RefusedPage(services.templates, 500, "Server error",
                               "Your password could not be changed; try again later."));
  }
  shown.invalid_token = true;
  shown.error = kLinkInvalid;
  respond(NewPasswordPage(services, form.binding, shown));
}

void ResetPost(WebPageServices& services, FormRequest form, http::Responder respond) {
  const std::string db = TenantOfRequest(form.fields.Get("db"), form.host, services.options.tenant_domain);
  const std::string token = form.fields.Get("token");
  if (token.empty()) {
    ResetRequestForm shown;
    shown.db = db;
    shown.login = form.fields.Get("login").substr(0, 256);
    shown.ask_db = !HostNamesTenant(form.host, services.options.tenant_domain);
    if (shown.db.empty()) {
      shown.error = "Enter the name of your database.";
      return respond(ResetRequestPage(services, form.binding, shown));
    }
    if (!services.mail.enabled()) {
      shown.error = kMailUnavailable;
      return respond(ResetRequestPage(services, form.binding, shown));
    }
    auto shared_form = std::make_shared<FormRequest>(std::move(form));
    auto task = [&services, shared_form, shown, respond] { RequestReset(services, *shared_form, shown, respond); };
    if (!services.rpc.db_workers.Submit(std::move(task))) respond(BusyPage(services));
    return;
  }
  auto shared_form = std::make_shared<FormRequest>(std::move(form));
  NewPasswordForm shown{db, token, "", "", false};
  auto task = [&services, shared_form, shown, respond] { ConfirmReset(services, *shared_form, shown, respond); };
  if (!services.rpc.db_workers.Submit(std::move(task))) respond(BusyPage(services));
}

}  // namespace

void AddPasswordResetPages(http::Router& router, WebPageServices& services) {
  router.Add("GET", "/web/reset_password",
             [&services](const http::Request& request, http::Responder respond) {
               ResetGet(services, request, std::move(respond));
             });
  services.guard.AddFormRoute(router, "/web/reset_password", [&services](FormRequest form, http::Responder respond) {
    ResetPost(services, std::move(form), std::move(respond));
  });
}

}  // namespace citadel::web
