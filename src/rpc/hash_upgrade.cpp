#include "rpc/hash_upgrade.hpp"

#include "core/logger.hpp"
#include "core/password_hasher.hpp"
#include "rpc/user_credentials.hpp"

namespace citadel::rpc {
namespace {

// On a db worker: stores `fresh` in place of `stored`.
void Store(RpcServices& services, const std::string& db, std::int64_t uid, const std::string& stored,
           const std::string& fresh, const std::string& request_id, const std::function<void(std::string)>& done) {
  auto connection = services.tenants.Acquire(db);
  if (!connection) {
    core::Log().Error("password hash upgrade: no connection", {{"request_id", request_id},
                                                               {"error", connection.error().message}});
    return done(stored);
  }
  auto replaced = ReplaceStoredHash(**connection, uid, stored, fresh);
  if (!replaced) {
    core::Log().Error("password hash upgrade failed", {{"request_id", request_id},
                                                       {"error", replaced.error().message}});
    return done(stored);
  }
  if (!*replaced) return done(stored);  // changed meanwhile: the new password stays
  core::Log().Info("password hash upgraded to the configured rounds",
                   {{"request_id", request_id}, {"uid", std::to_string(uid)},
                    {"rounds", std::to_string(services.hashing.hasher().rounds())}});
  done(fresh);
}

}  // namespace

void UpgradeWeakHash(RpcServices& services, const std::string& db, std::int64_t uid, std::string password,
                     std::string stored, const std::string& request_id, std::function<void(std::string)> done) {
  auto parsed = core::ParsePasslibPbkdf2Sha512(stored);
  if (!parsed || parsed->rounds >= services.hashing.hasher().rounds()) return done(std::move(stored));
  auto on_hash = [&services, db, uid, stored, request_id, done](std::string fresh) {
    auto task = [&services, db, uid, stored, fresh = std::move(fresh), request_id, done] {
      Store(services, db, uid, stored, fresh, request_id, done);
    };
    if (!services.db_workers.Submit(std::move(task))) done(stored);
  };
  if (!services.hashing.Hash(std::move(password), std::move(on_hash))) done(std::move(stored));
}

}  // namespace citadel::rpc
