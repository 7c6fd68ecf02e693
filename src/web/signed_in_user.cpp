#include "web/signed_in_user.hpp"

#include "http/cookies.hpp"
#include "platform/web_session_store.hpp"
#include "rpc/user_credentials.hpp"
#include "web/csrf_guard.hpp"

namespace citadel::web {

std::optional<SignedInUser> FindSignedInUser(rpc::RpcServices& services, const std::string& session_id) {
  auto found = services.web_sessions->Find(session_id);
  if (!found || !*found) return std::nullopt;
  auto connection = services.tenants.Acquire((*found)->tenant);
  if (!connection) return std::nullopt;
  auto user = rpc::FindUserById(**connection, (*found)->uid);
  if (!user || !*user || !(*user)->active || (*user)->hash.empty() ||
      platform::CredentialFingerprint((*user)->hash) != (*found)->credential_fingerprint) {
    (void)services.web_sessions->Destroy(session_id);
    return std::nullopt;
  }
  auto login = (**connection).Execute("SELECT login FROM res_users WHERE id = $1", (*found)->uid);
  if (!login || login->empty()) return std::nullopt;
  return SignedInUser{session_id, (*found)->tenant, (*found)->uid, login->Text(0, "login")};
}

std::optional<std::string> SessionCookieOf(const http::Request& request) {
  return http::CookieValue(request, kSessionCookie);
}

}  // namespace citadel::web
