#include "web/account_page_support.hpp"

#include <memory>

#include "rpc/login_check.hpp"
#include "web/page_response.hpp"

namespace citadel::web {

http::Response ServerTroublePage(const PageTemplates& templates, const rpc::RpcError& error) {
  if (error.kind == rpc::RpcError::Kind::kBusy) {
    return RefusedPage(templates, 503, "Server busy", "The server is busy; try again in a moment.");
  }
  return RefusedPage(templates, 500, "Server error", "Something went wrong on our side; try again later.");
}

void OnDbWorker(rpc::RpcServices& services, const PageTemplates& templates, const http::Responder& respond,
                std::function<void()> task) {
  if (!services.db_workers.Submit(std::move(task))) respond(ServerTroublePage(templates, rpc::RpcError::Busy()));
}

void ShowToSignedInUser(WebPageServices& services, const http::Request& request, const http::Responder& respond,
                        std::function<void(const std::string& binding, const SignedInUser&)> show) {
  auto session_id = SessionCookieOf(request);
  if (!session_id) return respond(RedirectTo("/web/login"));
  const std::string binding = services.guard.BindingOf(request).value;
  OnDbWorker(services.rpc, services.templates, respond, [&services, session_id = *session_id, binding, respond, show] {
    auto user = FindSignedInUser(services.rpc, session_id);
    if (!user) return respond(RedirectTo("/web/login"));
    show(binding, *user);
  });
}

void WithSignedInUser(WebPageServices& services, const FormRequest& form, const http::Responder& respond,
                      std::function<void(const SignedInUser&)> then) {
  OnDbWorker(services.rpc, services.templates, respond, [&services, session_id = form.session_id, respond, then] {
    auto user = session_id ? FindSignedInUser(services.rpc, *session_id) : std::nullopt;
    if (!user) return respond(RedirectTo("/web/login"));
    then(*user);
  });
}

void WithConfirmedPassword(WebPageServices& services, const FormRequest& form, const http::Responder& respond,
                           std::function<void(const SignedInUser&)> then,
                           std::function<void(const SignedInUser&)> wrong_password) {
  WithSignedInUser(services, form, respond,
                   [&services, password = form.fields.Get("password"), client_ip = form.client_ip,
                    request_id = form.request_id, respond, then, wrong_password](const SignedInUser& user) {
                     auto done = [&services, user, respond, then, wrong_password](rpc::LoginOutcome outcome) {
                       if (auto* error = std::get_if<rpc::RpcError>(&outcome)) {
                         return respond(ServerTroublePage(services.templates, *error));
                       }
                       const auto& matched = std::get<std::optional<rpc::StoredCredential>>(outcome);
                       const bool same_user = matched && matched->uid == user.uid;
                       OnDbWorker(services.rpc, services.templates, respond,
                                  [user, same_user, then, wrong_password] {
                                    if (same_user) return then(user);
                                    wrong_password(user);
                                  });
                     };
                     rpc::CheckLogin(services.rpc, user.tenant, user.login, password, client_ip, request_id,
                                     rpc::LoginSecrets::kPasswordBeforeSecondFactor, std::move(done));
                   });
}

}  // namespace citadel::web
