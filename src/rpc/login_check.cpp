#include "rpc/login_check.hpp"

#include "core/logger.hpp"
#include "rpc/api_key_lookup.hpp"
#include "rpc/secret_check.hpp"

namespace citadel::rpc {

void CheckLogin(RpcServices& services, const std::string& db, const std::string& login, std::string password,
                const std::string& request_id, LoginSecrets accepted, std::function<void(LoginOutcome)> done) {
  std::optional<StoredCredential> user;
  std::vector<std::string> hashes;
  if (!db.empty() && !login.empty() && !password.empty() && services.tenants.IsLive(db)) {
    auto connection = services.tenants.Acquire(db);
    if (!connection) return done(ConnectionFailure(connection.error(), request_id, "login"));
    auto found = FindActiveUserByLogin(**connection, login);
    if (!found) {
      core::Log().Error("login: reading the user failed",
                        {{"request_id", request_id}, {"error", found.error().message}});
      return done(RpcError::Internal(request_id));
    }
    user = std::move(*found);
    if (user && !user->hash.empty()) hashes.push_back(user->hash);
    if (user && accepted == LoginSecrets::kPasswordOrApiKey) {
      auto keys = FindApiKeyCandidates(**connection, password, "rpc", user->uid);
      if (!keys) {
        core::Log().Error("login: reading API keys failed",
                          {{"request_id", request_id}, {"error", keys.error().message}});
        return done(RpcError::Internal(request_id));
      }
      for (const ApiKeyCandidate& key : *keys) hashes.push_back(key.hash);
    }
  }
  CredentialCache& cache = services.credentials;
  auto on_verdict = [done, user, db, password, &cache, request_id](SecretVerdict verdict) {
    if (verdict.busy) return done(RpcError::Busy());
    if (user && verdict.matched) {
      cache.Put(db, user->uid, password, *verdict.matched);
      StoredCredential matched = *user;
      matched.hash = *verdict.matched;
      return done(matched);
    }
    core::Log().Info("login failed", {{"request_id", request_id}});
    done(std::optional<StoredCredential>());
  };
  if (user) {
    VerifyAgainstAny(services.hashing, std::move(password), std::move(hashes), std::move(on_verdict));
  } else {
    // Unknown database or login: one verification against nothing.
    VerifyAgainstAny(services.hashing, std::move(password), {}, std::move(on_verdict));
  }
}

}  // namespace citadel::rpc
