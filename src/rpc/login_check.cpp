#include "rpc/login_check.hpp"

#include "core/logger.hpp"

namespace citadel::rpc {

void CheckLogin(RpcServices& services, const std::string& db, const std::string& login, std::string password,
                const std::string& request_id, std::function<void(LoginOutcome)> done) {
  std::optional<StoredCredential> user;
  if (!db.empty() && !login.empty() && !password.empty() && services.tenants.IsLive(db)) {
    auto connection = services.tenants.Acquire(db);
    if (!connection) {
      core::Log().Error("login: no connection to the tenant",
                        {{"request_id", request_id}, {"error", connection.error().message}});
      return done(connection.error().code == core::ErrorCode::kResourceExhausted
                      ? RpcError::Busy()
                      : RpcError::Internal(request_id));
    }
    auto found = FindActiveUserByLogin(**connection, login);
    if (!found) {
      core::Log().Error("login: reading the user failed",
                        {{"request_id", request_id}, {"error", found.error().message}});
      return done(RpcError::Internal(request_id));
    }
    user = std::move(*found);
  }
  const std::string stored = user ? user->hash : std::string();
  CredentialCache& cache = services.credentials;
  auto on_verified = [done, user, db, password, &cache, request_id](core::VerifyOutcome outcome) {
    if (user && outcome.matches && !password.empty()) {
      cache.Put(db, user->uid, password, user->hash);
      return done(user);
    }
    core::Log().Info("login failed", {{"request_id", request_id}});
    done(std::optional<StoredCredential>());
  };
  if (!services.hashing.Verify(std::move(password), stored, std::move(on_verified))) {
    done(RpcError::Busy());
  }
}

}  // namespace citadel::rpc
