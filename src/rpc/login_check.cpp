#include "rpc/login_check.hpp"

#include "core/logger.hpp"
#include "rpc/api_key_lookup.hpp"
#include "rpc/hash_upgrade.hpp"
#include "rpc/login_throttle.hpp"
#include "rpc/secret_check.hpp"

namespace citadel::rpc {

namespace {

// The check itself, once the throttle let it through (possibly after a delay).
void VerifyLogin(RpcServices& services, const std::string& db, std::optional<StoredCredential> user,
                 std::vector<std::string> hashes, std::string password, const std::string& request_id,
                 std::function<void(bool)> record, std::function<void(LoginOutcome)> done) {
  CredentialCache& cache = services.credentials;
  auto on_verdict = [&services, done, user, db, password, &cache, request_id, record](SecretVerdict verdict) {
    if (verdict.busy) return done(RpcError::Busy());
    if (user && verdict.matched) {
      record(true);
      // An API key matched (not the password): the entry says so, or a later
      // write with that key would find no password entry for its fast path
      // (CredentialCache::HoldsForPassword) and always run its check first.
      const bool api_key = *verdict.matched != user->hash;
      auto signed_in = [done, user, db, password, &cache, api_key](std::string hash) {
        cache.Put(db, user->uid, password, hash, api_key);
        StoredCredential matched = *user;
        matched.hash = std::move(hash);
        done(matched);
      };
      // The password (not an API key) with too few rounds: rehashed first.
      if (*verdict.matched == user->hash) {
        return UpgradeWeakHash(services, db, user->uid, password, *verdict.matched, request_id, signed_in);
      }
      return signed_in(*verdict.matched);
    }
    core::Log().Info("login failed", {{"request_id", request_id}});
    record(false);
    done(std::optional<StoredCredential>());
  };
  // Unknown database or login: one verification against nothing (no hashes).
  if (!user) hashes.clear();
  VerifyAgainstAny(services.hashing, std::move(password), std::move(hashes), std::move(on_verdict));
}

}  // namespace

void CheckLogin(RpcServices& services, const std::string& db, const std::string& login, std::string password,
                const std::string& source, const std::string& request_id, LoginSecrets accepted,
                std::function<void(LoginOutcome)> done, std::function<void()> on_cooldown) {
  std::optional<StoredCredential> user;
  std::vector<std::string> hashes;
  const bool live = !db.empty() && services.tenants.IsLive(db);
  LoginThrottlePolicy policy;
  const bool has_secret = !login.empty() && !password.empty();
  if (live && (has_secret || services.throttle != nullptr)) {
    auto connection = services.tenants.Acquire(db);
    if (!connection) return done(ConnectionFailure(connection.error(), request_id, "login"));
    if (services.throttle != nullptr) {
      auto read = ReadLoginThrottlePolicy(**connection);
      if (!read) {
        core::Log().Error("login: reading the sign-in limits failed",
                          {{"request_id", request_id}, {"error", read.error().message}});
        return done(RpcError::Internal(request_id));
      }
      policy = *read;
    }
    if (has_secret) {
      auto found = FindActiveUserByLogin(**connection, login);
      if (!found) {
        core::Log().Error("login: reading the user failed",
                          {{"request_id", request_id}, {"error", found.error().message}});
        return done(RpcError::Internal(request_id));
      }
      user = std::move(*found);
      const bool password_counts =
          user && (!user->totp_enabled || accepted == LoginSecrets::kPasswordBeforeSecondFactor);
      if (password_counts && !user->hash.empty()) hashes.push_back(user->hash);
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
  }
  LoginThrottle* throttle = services.throttle;
  std::function<void(bool)> record = [](bool) {};
  std::chrono::milliseconds delay{0};
  if (throttle != nullptr) {
    const std::string tenant = live ? db : std::string();
    // The counters' key: "#<uid>" for an existing user, as execute_kw counts
    // it (it names a uid), so neither path resets or dodges the other's
    // count; else the login as typed (a longer one matches no user anyway).
    const std::string counted_login = user ? "#" + std::to_string(user->uid) : login.substr(0, 256);
    auto verdict = throttle->Before(tenant, source, counted_login, policy);
    if (!verdict) {
      core::Log().Error("login: reading the sign-in counters failed",
                        {{"request_id", request_id}, {"error", verdict.error().message}});
      return done(RpcError::Internal(request_id));
    }
    if (verdict->refused) {
      // Answered as a wrong password, without checking it.
      core::Log().Info("login refused: cooldown after failed sign-ins", {{"request_id", request_id}});
      if (on_cooldown) on_cooldown();
      return done(std::optional<StoredCredential>());
    }
    delay = verdict->delay;
    // Counted on a db worker (the catalog blocks), not on the hashing pool.
    record = [&services, throttle, tenant, source, counted_login, policy, request_id](bool succeeded) {
      auto task = [=] { throttle->After(tenant, source, counted_login, policy, succeeded, request_id); };
      if (!services.db_workers.Submit(task)) {
        core::Log().Error("login: the sign-in counters could not be updated (workers busy)",
                          {{"request_id", request_id}});
      }
    };
  }
  auto verify = [&services, db, user = std::move(user), hashes = std::move(hashes),
                 password = std::move(password), request_id, record, done]() mutable {
    VerifyLogin(services, db, std::move(user), std::move(hashes), std::move(password), request_id, record,
                done);
  };
  if (delay.count() == 0) return verify();
  if (!throttle->delays().Schedule(delay, std::move(verify))) done(RpcError::Busy());
}

}  // namespace citadel::rpc
