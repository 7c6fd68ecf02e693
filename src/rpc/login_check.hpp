// CheckLogin: is (db, login, password) a live tenant's active user with this
// password? The one check behind common.login/authenticate and
// /web/session/authenticate, so that every entry point refuses alike.
//
// An unknown database, an unknown or archived login, an empty or wrong
// password all end in "no", and each costs one PBKDF2 verification at the
// configured rounds (against a dummy when nothing is stored), so timing tells
// them apart no better than the answer. The user is read on the calling
// thread (a db worker: it blocks on PostgreSQL); the verification runs on the
// hashing pool, and `done` is called from there, exactly once. A yes primes
// the credential cache, so the client's next execute_kw does not verify again.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "rpc/rpc_services.hpp"
#include "rpc/user_credentials.hpp"

namespace citadel::rpc {

// The user (uid and the stored hash it was verified against), nullopt for
// "no", or an RpcError when the check could not be made (busy, internal).
using LoginOutcome = std::variant<std::optional<StoredCredential>, RpcError>;

// What may stand for the password: Odoo 18 accepts the user's API keys in
// non-interactive logins (common.authenticate) and only the password in
// interactive ones (/web/session/authenticate). A user with a second factor
// (StoredCredential::totp_enabled) signs in to the external API only with an
// API key, as in Odoo: their password is then not even compared (a dummy
// verification takes its time), so it is refused as a wrong one, by
// kPasswordOnly and kPasswordOrApiKey alike. Only the login page, which asks
// the second factor next, takes it (kPasswordBeforeSecondFactor: the
// outcome's totp_enabled tells the page to ask).
enum class LoginSecrets { kPasswordOnly, kPasswordOrApiKey, kPasswordBeforeSecondFactor };

// `source` is the client's address (the throttle's key, see
// login_throttle.hpp): a source in cooldown is answered "no" without the
// password being checked, and a login under attack is checked after a delay.
// `on_cooldown`, when given, is called just before `done` gets that "no",
// on the same thread: the login page says "Too many login failures" as
// Odoo's form does, while the API answers as for a wrong password.
void CheckLogin(RpcServices& services, const std::string& db, const std::string& login, std::string password,
                const std::string& source, const std::string& request_id, LoginSecrets accepted,
                std::function<void(LoginOutcome)> done, std::function<void()> on_cooldown = {});

}  // namespace citadel::rpc
