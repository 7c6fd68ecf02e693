#include "web/totp_sign_in.hpp"

#include <ctime>

#include "core/logger.hpp"
#include "modules/base/user_totp.hpp"
#include "platform/web_session_store.hpp"
#include "rpc/web_sign_in.hpp"
#include "web/account_page_support.hpp"
#include "web/page_response.hpp"
#include "web/tenant_of_request.hpp"

namespace citadel::web {
namespace {

constexpr const char* kWrongCode = "Wrong code, or a code already used. Try the next one.";
constexpr const char* kTooManyWrongCodes =
    "Too many wrong codes. Wait up to 15 minutes, then try again.";
constexpr const char* kStartAgain = "Your sign-in took too long or is no longer valid. Log in again.";

std::int64_t SecondFactorNow() { return static_cast<std::int64_t>(std::time(nullptr)); }

// What the ticket's MAC binds besides the uid and fingerprint.
std::string TicketScope(const std::string& db, const std::string& binding) { return db + "\n" + binding; }

http::Response CodePage(const WebPageServices& services, const std::string& binding, const std::string& db,
                        const std::string& ticket, const std::string& login, const std::string& error,
                        int status = 200) {
  PageValues values;
  values.Set("csrf_token", services.guard.TokenFor({binding, std::nullopt}))
      .Set("db", db)
      .Set("ticket", ticket)
      .Set("login", login)
      .SetUnlessEmpty("error", error);
  return HtmlPage(status, services.templates.Get("login_totp.html").Render(values));
}

http::Response StartAgainPage(const WebPageServices& services, const std::string& binding, const std::string& db) {
  PageValues values;
  values.Set("csrf_token", services.guard.TokenFor({binding, std::nullopt}))
      .Set("db", db)
      .Set("login", "")
      .SetFlag("ask_db", true)
      .Set("error", kStartAgain)
      .Set("message", "");
  return HtmlPage(200, services.templates.Get("login.html").Render(values));
}

// On a db worker: the ticket, then the code, then the session.
void CheckCode(WebPageServices& services, const FormRequest& form, const http::Responder& respond) {
  const std::string db = TenantOfRequest(form.fields.Get("db"), form.host, services.options.tenant_domain);
  const std::string ticket = form.fields.Get("ticket").substr(0, auth::kMaxResetTokenChars + 1);
  const auto claims = auth::ResetTokenSigner::Parse(ticket);
  const auth::ResetTokenSigner* signer = services.second_factor_tickets;
  if (db.empty() || !claims || signer == nullptr || !services.rpc.tenants.IsLive(db)) {
    return respond(StartAgainPage(services, form.binding, db));
  }
  auto connection = services.rpc.tenants.Acquire(db);
  if (!connection) return respond(ServerTroublePage(services.templates, rpc::RpcError::Busy()));
  auto user = rpc::FindUserById(**connection, claims->uid);
  if (!user) {
    core::Log().Error("second factor: reading the user failed",
                      {{"request_id", form.request_id}, {"error", user.error().message}});
    return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal(form.request_id)));
  }
  if (!*user || !(*user)->active || !(*user)->totp_enabled ||
      !signer->Verify(ticket, TicketScope(db, form.binding), platform::CredentialFingerprint((*user)->hash),
                      SecondFactorNow())) {
    return respond(StartAgainPage(services, form.binding, db));
  }
  auto login = (**connection).Execute("SELECT login FROM res_users WHERE id = $1", claims->uid);
  const std::string shown_login = login && !login->empty() ? login->Text(0, "login") : std::string();
  // On the idle connection: the attempt is counted in a statement of its own.
  auto verdict = modules::base::CheckSecondFactor(**connection, claims->uid, form.fields.Get("code"), SecondFactorNow());
  if (!verdict) {
    core::Log().Error("second factor: the check failed",
                      {{"request_id", form.request_id}, {"error", verdict.error().message}});
    return respond(ServerTroublePage(services.templates, rpc::RpcError::Internal(form.request_id)));
  }
  switch (*verdict) {
    case modules::base::SecondFactorVerdict::kAccepted:
      break;
    case modules::base::SecondFactorVerdict::kWrong:
      core::Log().Info("second factor refused", {{"request_id", form.request_id}});
      return respond(CodePage(services, form.binding, db, ticket, shown_login, kWrongCode));
    case modules::base::SecondFactorVerdict::kCoolingDown:
      core::Log().Info("second factor refused: cooldown after wrong codes", {{"request_id", form.request_id}});
      return respond(CodePage(services, form.binding, db, ticket, shown_login, kTooManyWrongCodes, 429));
    case modules::base::SecondFactorVerdict::kNotEnrolled:
      return respond(StartAgainPage(services, form.binding, db));
  }
  auto opened = rpc::OpenWebSession(services.rpc, db, **user, form.session_id, form.request_id);
  if (auto* error = std::get_if<rpc::RpcError>(&opened)) {
    if (error->kind == rpc::RpcError::Kind::kRaised) return respond(StartAgainPage(services, form.binding, db));
    return respond(ServerTroublePage(services.templates, *error));
  }
  http::Response response = RedirectTo("/web");
  response.headers.push_back(std::get<rpc::OpenedWebSession>(opened).set_cookie);
  respond(std::move(response));
}

}  // namespace

http::Response SecondFactorPage(const WebPageServices& services, const std::string& binding, const std::string& db,
                                const rpc::StoredCredential& user, const std::string& login) {
  if (services.second_factor_tickets == nullptr) {
    return ServerTroublePage(services.templates, rpc::RpcError::Internal("second-factor"));
  }
  const std::string ticket =
      services.second_factor_tickets->Issue(TicketScope(db, binding), user.uid, platform::CredentialFingerprint(user.hash),
                                            SecondFactorNow() + kSecondFactorTicketLifetime.count());
  return CodePage(services, binding, db, ticket, login, "");
}

void AddSecondFactorSignIn(http::Router& router, WebPageServices& services) {
  router.Add("GET", "/web/login/totp",
             [](const http::Request&, http::Responder respond) { respond(RedirectTo("/web/login")); });
  services.guard.AddFormRoute(router, "/web/login/totp", [&services](FormRequest form, http::Responder respond) {
    auto shared_form = std::make_shared<FormRequest>(std::move(form));
    OnDbWorker(services.rpc, services.templates, respond,
               [&services, shared_form, respond] { CheckCode(services, *shared_form, respond); });
  });
}

}  // namespace citadel::web
