// GET/POST /web/login, GET /web, POST /web/session/logout (web_pages.hpp).
#include <atomic>
#include <memory>

#include "core/logger.hpp"
#include "http/cookies.hpp"
#include "platform/web_session_store.hpp"
#include "rpc/login_check.hpp"
#include "rpc/user_credentials.hpp"
#include "rpc/web_sign_in.hpp"
#include "web/account_page_support.hpp"
#include "web/page_response.hpp"
#include "web/signed_in_user.hpp"
#include "web/tenant_of_request.hpp"
#include "web/totp_sign_in.hpp"
#include "web/web_pages.hpp"

namespace citadel::web {
namespace {

// Odoo's words (addons/web/controllers/home.py, res_users.py).
constexpr const char* kWrongLogin = "Wrong login/password";
constexpr const char* kTooManyFailures = "Too many login failures, please wait a bit before trying again.";

struct LoginForm {
  std::string db;
  std::string login;
  bool ask_db = true;
  std::string error;
  std::string message;
};

http::Response LoginPage(const WebPageServices& services, const std::string& binding, const LoginForm& form,
                         int status = 200) {
  PageValues values;
  values.Set("csrf_token", services.guard.TokenFor({binding, std::nullopt}))
      .Set("db", form.db)
      .Set("login", form.login)
      .SetFlag("ask_db", form.ask_db)
      .Set("error", form.error)
      .Set("message", form.message);
  return HtmlPage(status, services.templates.Get("login.html").Render(values));
}

void LoginGet(WebPageServices& services, const http::Request& request, http::Responder respond) {
  const BrowserBinding binding = services.guard.BindingOf(request);
  auto query = FormFields::Parse(request.query);
  LoginForm form;
  const std::string db_field = query ? query->Get("db") : std::string();
  form.db = TenantOfRequest(db_field, request.Header("Host"), services.options.tenant_domain);
  form.ask_db = !HostNamesTenant(request.Header("Host"), services.options.tenant_domain);
  if (query && query->Get("password_reset") == "1") {
    form.message = "Your password has been changed. Log in with your new password.";
  }
  http::Response response = LoginPage(services, binding.value, form);
  if (binding.set_cookie) response.headers.emplace_back("Set-Cookie", *binding.set_cookie);
  respond(std::move(response));
}

// On a db worker once the password matched: the session, the cookie, home.
void FinishSignIn(WebPageServices& services, const FormRequest& form, const std::string& db,
                  const rpc::StoredCredential& user, const http::Responder& respond) {
  auto opened = rpc::OpenWebSession(services.rpc, db, user, form.session_id, form.request_id);
  if (auto* error = std::get_if<rpc::RpcError>(&opened)) {
    if (error->kind == rpc::RpcError::Kind::kRaised) {  // AccessDenied: the tenant went away
      return respond(LoginPage(services, form.binding, {db, form.fields.Get("login"), true, kWrongLogin, ""}));
    }
    return respond(ServerTroublePage(services.templates, *error));
  }
  http::Response response = RedirectTo("/web");
  response.headers.push_back(std::get<rpc::OpenedWebSession>(opened).set_cookie);
  respond(std::move(response));
}

void LoginPost(WebPageServices& services, FormRequest form, http::Responder respond) {
  LoginForm shown;
  shown.db = TenantOfRequest(form.fields.Get("db"), form.host, services.options.tenant_domain);
  shown.ask_db = !HostNamesTenant(form.host, services.options.tenant_domain);
  shown.login = form.fields.Get("login").substr(0, 256);
  if (shown.db.empty()) {
    shown.error = "Enter the name of your database.";
    return respond(LoginPage(services, form.binding, shown));
  }
  auto shared_form = std::make_shared<FormRequest>(std::move(form));
  auto task = [&services, shared_form, shown, respond]() mutable {
    auto cooled = std::make_shared<std::atomic<bool>>(false);
    auto done = [&services, shared_form, shown, respond, cooled](rpc::LoginOutcome outcome) mutable {
      if (auto* error = std::get_if<rpc::RpcError>(&outcome)) return respond(ServerTroublePage(services.templates, *error));
      const auto& user = std::get<std::optional<rpc::StoredCredential>>(outcome);
      if (!user) {
        shown.error = cooled->load() ? kTooManyFailures : kWrongLogin;
        return respond(LoginPage(services, shared_form->binding, shown));
      }
      // Two-factor authentication: no session yet, the code's page instead.
      if (user->totp_enabled) return respond(SecondFactorPage(services, shared_form->binding, shown.db, *user, shown.login));
      // Back from the hashing pool to a db worker: the catalog blocks.
      if (!services.rpc.db_workers.Submit([&services, shared_form, db = shown.db, user = *user, respond] {
            FinishSignIn(services, *shared_form, db, user, respond);
          })) {
        respond(ServerTroublePage(services.templates, rpc::RpcError::Busy()));
      }
    };
    rpc::CheckLogin(services.rpc, shown.db, shared_form->fields.Get("login"), shared_form->fields.Get("password"),
                    shared_form->client_ip, shared_form->request_id, rpc::LoginSecrets::kPasswordBeforeSecondFactor,
                    std::move(done), [cooled] { cooled->store(true); });
  };
  if (!services.rpc.db_workers.Submit(std::move(task))) {
    respond(ServerTroublePage(services.templates, rpc::RpcError::Busy()));
  }
}

void HomeGet(WebPageServices& services, const http::Request& request, http::Responder respond) {
  auto session_id = http::CookieValue(request, kSessionCookie);
  if (!session_id) return respond(RedirectTo("/web/login"));
  const BrowserBinding binding = services.guard.BindingOf(request);
  auto task = [&services, session_id = *session_id, binding, respond] {
    auto live = FindSignedInUser(services.rpc, session_id);
    if (!live) return respond(RedirectTo("/web/login"));
    PageValues values;
    values.Set("csrf_token", services.guard.TokenFor(binding))
        .Set("login", live->login)
        .Set("db", live->tenant)
        .Set("message", "");
    respond(HtmlPage(200, services.templates.Get("home.html").Render(values)));
  };
  if (!services.rpc.db_workers.Submit(std::move(task))) {
    respond(ServerTroublePage(services.templates, rpc::RpcError::Busy()));
  }
}

void LogoutPost(WebPageServices& services, FormRequest form, http::Responder respond) {
  auto task = [&services, session_id = form.session_id, request_id = form.request_id, respond] {
    if (session_id) {
      if (auto ended = services.rpc.web_sessions->Destroy(*session_id); !ended) {
        core::Log().Error("web session end failed", {{"request_id", request_id}, {"error", ended.error().message}});
        return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal(request_id)));
      }
    }
    http::Response response = RedirectTo("/web/login");
    response.headers.push_back(rpc::DropWebSessionCookie());
    respond(std::move(response));
  };
  if (!services.rpc.db_workers.Submit(std::move(task))) {
    respond(ServerTroublePage(services.templates, rpc::RpcError::Busy()));
  }
}

}  // namespace

void AddLoginPages(http::Router& router, WebPageServices& services) {
  router.Add("GET", "/web/login",
             [&services](const http::Request& request, http::Responder respond) {
               LoginGet(services, request, std::move(respond));
             });
  router.Add("GET", "/web",
             [&services](const http::Request& request, http::Responder respond) {
               HomeGet(services, request, std::move(respond));
             });
  services.guard.AddFormRoute(router, "/web/login", [&services](FormRequest form, http::Responder respond) {
    LoginPost(services, std::move(form), std::move(respond));
  });
  services.guard.AddFormRoute(router, "/web/session/logout", [&services](FormRequest form, http::Responder respond) {
    LogoutPost(services, std::move(form), std::move(respond));
  });
}

}  // namespace citadel::web
