#include "web/password_reset_use.hpp"

#include <chrono>

#include "auth/reset_token.hpp"
#include "core/logger.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/transaction_runner.hpp"
#include "platform/web_session_store.hpp"
#include "rpc/user_credentials.hpp"

namespace citadel::web {
namespace {

struct LinkNotUsable {};

std::int64_t ResetUnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The token's user, if the token verifies against its current password.
std::optional<rpc::StoredCredential> VerifiedUser(WebPageServices& services, db::Connection& connection,
                                                  const std::string& tenant, const std::string& token,
                                                  const auth::ResetTokenClaims& claims) {
  auto user = rpc::FindUserById(connection, claims.uid);
  if (!user) throw orm::DatabaseError(user.error());
  if (!*user || !(*user)->active) return std::nullopt;
  if (!services.reset_tokens.Verify(token, tenant, platform::CredentialFingerprint((*user)->hash), ResetUnixNow())) {
    return std::nullopt;
  }
  return *user;
}

}  // namespace

std::optional<std::string> ResetLinkLogin(WebPageServices& services, const std::string& tenant,
                                          const std::string& token) {
  auto claims = auth::ResetTokenSigner::Parse(token);
  if (!claims || tenant.empty() || !services.rpc.tenants.IsLive(tenant)) return std::nullopt;
  auto connection = services.rpc.tenants.Acquire(tenant);
  if (!connection) return std::nullopt;
  try {
    if (!VerifiedUser(services, **connection, tenant, token, *claims)) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto login = (**connection).Execute("SELECT login FROM res_users WHERE id = $1", claims->uid);
  if (!login || login->empty()) return std::nullopt;
  return login->Text(0, "login");
}

ResetOutcome UsePasswordResetLink(WebPageServices& services, const std::string& tenant, const std::string& token,
                                  const std::string& new_password, const std::string& request_id) {
  auto claims = auth::ResetTokenSigner::Parse(token);
  if (!claims || tenant.empty() || !services.rpc.tenants.IsLive(tenant)) return ResetLinkInvalid{};
  const std::string token_id = auth::ResetTokenSigner::TokenId(token);
  const core::LogFields where = {{"request_id", request_id}, {"tenant", tenant}, {"uid", claims->uid},
                                 {"token_ref", token_id.substr(0, 16)}};
  auto connection = services.rpc.tenants.Acquire(tenant);
  if (!connection) {
    core::Log().Error("password reset: no tenant connection", where);
    return ResetFailed{};
  }
  bool claimed = false;  // across retries of the transaction: claim once
  try {
    orm::TransactionRunner runner(**connection, services.rpc.registry);
    runner.Run([&] {
      if (!VerifiedUser(services, **connection, tenant, token, *claims)) throw LinkNotUsable{};
      // The token proves the right to set this user's password: su, in C++,
      // through the ORM so that the policy and the hashing hook apply.
      const orm::Environment env = orm::Environment(services.rpc.registry, **connection, claims->uid)
                                       .WithPasswordHasher(services.rpc.hashing.hasher())
                                       .Sudo();
      orm::RecordSet::Of(env, "res.users").Browse({claims->uid}).Write({{"password", new_password}});
      if (!claimed) {
        auto taken = services.reset_ledger.Claim(token_id, tenant, claims->uid, claims->expires_unix);
        if (!taken) throw orm::DatabaseError(taken.error());
        if (!*taken) throw LinkNotUsable{};
        claimed = true;
      }
    });
  } catch (const LinkNotUsable&) {
    core::Log().Info("password reset refused: link not usable", where);
    return ResetLinkInvalid{};
  } catch (const orm::UserError& error) {
    if (claimed) (void)services.reset_ledger.Release(token_id);
    return ResetRefused{error.what()};
  } catch (const std::exception& error) {
    if (claimed) (void)services.reset_ledger.Release(token_id);
    core::LogFields failed = where;
    failed.emplace_back("error", error.what());
    core::Log().Error("password reset failed", failed);
    return ResetFailed{};
  }
  auto ended = services.rpc.web_sessions->DestroyAllOf(tenant, claims->uid);
  core::LogFields done = where;
  done.emplace_back("sessions_ended", ended ? *ended : std::int64_t{-1});
  core::Log().Info("password reset by e-mailed link", done);
  return ResetDone{claims->uid};
}

}  // namespace citadel::web
