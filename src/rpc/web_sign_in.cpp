#include "rpc/web_sign_in.hpp"

#include "core/logger.hpp"
#include "http/cookies.hpp"
#include "platform/web_session_store.hpp"

namespace citadel::rpc {

std::variant<OpenedWebSession, RpcError> OpenWebSession(RpcServices& services, const std::string& db,
                                                        const StoredCredential& user,
                                                        const std::optional<std::string>& previous_session_id,
                                                        const std::string& request_id) {
  auto created = services.web_sessions->Create(db, user.uid, platform::CredentialFingerprint(user.hash));
  if (!created) {
    if (created.error().code == core::ErrorCode::kNotFound) return RpcError::AccessDenied();
    core::Log().Error("web session creation failed", {{"request_id", request_id}, {"error", created.error().message}});
    return RpcError::Internal(request_id);
  }
  // The id the client came with (if any) ends: a planted id is never kept.
  if (previous_session_id) (void)services.web_sessions->Destroy(*previous_session_id);
  return OpenedWebSession{
      *created,
      {"Set-Cookie", http::SessionSetCookie(kWebSessionCookie, *created, services.web_sessions->max_inactivity())}};
}

std::pair<std::string, std::string> DropWebSessionCookie() {
  return {"Set-Cookie", http::SessionSetCookie(kWebSessionCookie, "", std::chrono::seconds(0))};
}

}  // namespace citadel::rpc
