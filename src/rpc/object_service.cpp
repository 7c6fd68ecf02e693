// The `object` service (odoo/service/model.py): execute_kw(db, uid, password,
// model, method, args, kw=None) and execute(db, uid, password, model, method,
// *args), each one CallModelMethod in one TransactionRunner transaction.
//
// Credentials on every call, as Odoo's security.check: the uid's stored hash
// and active flag are read inside the call's own transaction, and the call
// runs only if this password was verified against that very hash (the
// CredentialCache). The "password" may also be one of the user's API keys
// of scope rpc (or global), as Odoo 18's non-interactive check allows. When
// neither was verified lately, the transaction is rolled back, the secret is
// verified on the hashing pool against the password's hash and the keys'
// (a dummy verification when the database or the user does not exist, or
// is archived, so all failures look alike), and the call starts again on a
// db worker; a second miss (a hash changed meanwhile) is AccessDenied. An
// empty password is refused at once.
//
// The argument shapes are checked as Python would bind them (Python's
// TypeError texts), after the credential check, as in Odoo.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "core/logger.hpp"
#include "orm/environment.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/transaction_runner.hpp"
#include "rpc/caller_environment.hpp"
#include "rpc/python_signature.hpp"
#include "rpc/rpc_services.hpp"
#include "rpc/api_key_lookup.hpp"
#include "rpc/secret_check.hpp"
#include "rpc/support_call.hpp"
#include "rpc/throttled_check.hpp"
#include "rpc/user_credentials.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

// The credentials were not in the cache: leave the transaction and verify.
struct NeedsVerification {
  std::vector<std::string> hashes;  // the password's, then API keys'; none: verify a dummy
  std::string password_hash;        // the first of them when it is the password's
};

struct ObjectCall {
  RpcCall call;
  std::string db;
  std::int64_t uid = 0;
  std::string password;
  bool verified = false;  // the hashing pool said yes once already
  bool speculation_missed = false;  // its credentials or rights were not as assumed: check first
  bool early_commit_missed = false;  // it needed a second statement: COMMIT after the answer
  // A support staff member's call (support_call.hpp): admitted by its
  // session and grant, not by a password.
  std::optional<SupportAdmission> support;
  // Its credential cache entry's key, computed once (CacheKey).
  mutable std::optional<CredentialCache::Key> cache_key;
};

// The cache key of the call's (db, uid, password), the same for all its lookups.
const CredentialCache::Key& CacheKey(RpcServices& services, const ObjectCall& state) {
  if (!state.cache_key) state.cache_key = services.credentials.KeyOf(state.db, state.uid, state.password);
  return *state.cache_key;
}

// What execute / execute_kw would bind, or the TypeError/UserError they raise.
struct ModelCall {
  std::string model;
  std::string method;
  Value args = Value::array();
  Value kwargs = Value::object();
};

std::variant<ModelCall, RpcError> BindModelCall(const RpcCall& call) {
  const Value& p = call.params;
  const std::size_t given = p.size() - 1;  // Odoo calls execute*(db, uid, *params[3:])
  ModelCall bound;
  if (call.method == "execute_kw") {
    PythonSignature sig{"execute_kw", {"db", "uid", "obj", "method", "args", "kw"}, 1};
    if (auto error = sig.Check(given)) return *error;
  } else if (call.method == "execute") {
    PythonSignature sig{"execute", {"db", "uid", "obj", "method"}, 0, true};
    if (auto error = sig.Check(given)) return *error;
  } else {
    return RpcError::Raised("builtins.NameError", "Method not available " + call.method);
  }
  if (!p[4].is_string()) {
    return RpcError::TypeError("attribute name must be string, not '" + PythonTypeName(p[4]) + "'");
  }
  bound.method = p[4].get<std::string>();
  if (call.method == "execute_kw") {
    if (!p[5].is_array()) {
      return RpcError::TypeError("odoo.service.model.execute() argument after * must be an iterable, not " +
                                 PythonTypeName(p[5]));
    }
    bound.args = p[5];
    if (p.size() > 6) {
      const Value& kw = p[6];
      if (kw.is_object()) {
        bound.kwargs = kw;
      } else if (!kw.is_null() && !(kw.is_boolean() && !kw.get<bool>()) && !(kw.is_array() && kw.empty())) {
        return RpcError::TypeError("odoo.service.model.execute() argument after ** must be a mapping, not " +
                                   PythonTypeName(kw));
      }
    }
  } else {
    bound.args = Value(p.begin() + 5, p.end());
  }
  // env.get(obj) of something that is not a model name is None in Odoo.
  bound.model = p[3].is_string() ? p[3].get<std::string>() : p[3].dump();
  return bound;
}

void Run(RpcServices& services, std::shared_ptr<ObjectCall> state, RpcDone done);

// Off the db worker: the verdict, then back to a db worker.
void Verify(RpcServices& services, std::shared_ptr<ObjectCall> state, std::vector<std::string> hashes,
            std::string password_hash, RecordVerdict record, RpcDone done) {
  auto on_verdict = [&services, state, done, record, password_hash = std::move(password_hash)](SecretVerdict verdict) {
    if (verdict.busy) return done(RpcError::Busy());
    record(verdict.matched.has_value());
    if (!verdict.matched) {
      core::Log().Info("RPC credentials refused", {{"request_id", state->call.request_id}});
      return done(RpcError::AccessDenied());
    }
    // Which hash matched is not secret to this process; it lets a later
    // write be judged from the user's row alone (HoldsForPassword).
    const bool api_key = password_hash.empty() || *verdict.matched != password_hash;
    services.credentials.Put(state->db, state->uid, state->password, *verdict.matched, api_key);
    state->verified = true;
    if (!services.db_workers.Submit([&services, state, done] { Run(services, state, done); })) {
      done(RpcError::Busy());
    }
  };
  VerifyAgainstAny(services.hashing, state->password, std::move(hashes), std::move(on_verdict));
}

// Inside the call's transaction: the password, or one of the user's API keys
// (Odoo 18's non-interactive _check_credentials), verified lately against
// what is stored now; otherwise what to verify.
// `version` gets the tenant's security version when it could be read in the
// same statement (caller_environment.hpp).
std::optional<NeedsVerification> CheckStoredSecrets(RpcServices& services, db::Connection& connection,
                                                    const ObjectCall& state,
                                                    std::optional<orm::SecurityVersion>& version) {
  std::optional<StoredCredential> user;
  if (SecurityVersionReadable(services, state.db)) {
    auto found = FindUserByIdWithSecurityVersion(connection, state.uid);
    if (!found) throw orm::DatabaseError(found.error());
    user = std::move(found->user);
    version = std::move(found->version);
  } else {
    auto found = FindUserById(connection, state.uid);
    if (!found) throw orm::DatabaseError(found.error());
    user = std::move(*found);
  }
  if (!user || !user->active) return NeedsVerification{};
  // A user with a second factor calls the API with an API key only.
  const std::string hash = user->totp_enabled ? std::string() : user->hash;
  NeedsVerification needs;
  if (!hash.empty()) needs.hashes.push_back(hash);
  needs.password_hash = hash;
  // The password first, without dropping an entry verified for an API key.
  if (!hash.empty() && services.credentials.MatchesAny(CacheKey(services, state), needs.hashes, false)) {
    return std::nullopt;
  }
  auto keys = FindApiKeyCandidates(connection, state.password, "rpc", state.uid);
  if (!keys) throw orm::DatabaseError(keys.error());
  for (const ApiKeyCandidate& key : *keys) needs.hashes.push_back(key.hash);
  if (services.credentials.MatchesAny(CacheKey(services, state), needs.hashes, true)) return std::nullopt;
  return needs;
}

// A call whose password was verified lately is sent together with its
// credential check: the check goes out without waiting for its answer
// (db::Connection::SendDeferred), the call's first statement follows in the
// same round trip, and the answer is checked before the result is — in the
// same transaction and snapshot, so what is checked is exactly what the call
// ran under. Rights are assumed to be the cached snapshot's and checked too.
// Anything not as assumed (another hash, the user archived, a second factor,
// another rights version, an API key the aborted transaction cannot read)
// throws SpeculationMissed: rolled back, the call runs again the ordinary way,
// which decides (and refuses) as before, under the rights it reads then. Only
// a caller holding a password that this very user proved within the cache's
// ttl gets here, so strangers learn nothing from it.
//
// Which calls: Odoo's read-only defaults (orm::IsReadOnlyDefaultMethod),
// checked after the call; and create, write and unlink (kWriteMethods),
// default methods too (no module redefines them; modules add hooks that run
// after the first statement), when the cache entry is for the password
// itself, so that the check is judged from the user's row alone: the
// connection judges it the moment its answer arrives, with the first
// statement's (db::Connection::CheckDeferredWith), and a refusal condemns the
// transaction there — the first statement's answer never reaches the ORM,
// nothing more is sent, COMMIT cannot happen. What a rolled-back write leaves
// behind: sequence numbers taken (ids skip), and binary contents stored in the
// file store before the first statement (orphans, removed by its garbage
// collection, as after any call that failed); nothing else, since module
// hooks run after the INSERT/UPDATE/DELETE they follow.
struct SpeculationMissed {};

// A read-only call sent with COMMIT beside its first statement needed a
// second one (db::Connection::CommitWithNextStatement): it runs again with
// COMMIT after its answer. Nothing was written (it only read) or lost.
struct EarlyCommitMissed {};

// The shape a read-only call's statement count is learned under
// (one_statement_calls.hpp): its database, model, method and the fields it
// asks for (the `fields` keyword, or the first positional list of names after
// the first argument, as read and search_read take them).
std::string CallShape(const ObjectCall& state, const ModelCall& call) {
  std::string shape = state.db + '\x1f' + call.model + '\x1f' + call.method + '\x1f';
  if (call.kwargs.is_object()) {
    if (auto fields = call.kwargs.find("fields"); fields != call.kwargs.end()) return shape + fields->dump();
  }
  for (std::size_t i = 1; i < call.args.size(); ++i) {
    const Value& arg = call.args[i];
    if (arg.is_array() && (arg.empty() || arg.front().is_string())) return shape + arg.dump();
  }
  return shape;
}

constexpr std::string_view kWriteMethods[] = {"create", "write", "unlink"};

bool IsWriteMethod(std::string_view method) {
  return std::find(std::begin(kWriteMethods), std::end(kWriteMethods), method) != std::end(kWriteMethods);
}

std::optional<orm::SecurityVersion> SpeculativeVersion(RpcServices& services, const ObjectCall& state,
                                                       const std::variant<ModelCall, RpcError>& bound) {
  if (state.support || state.speculation_missed || services.security == nullptr) return std::nullopt;
  const auto* call = std::get_if<ModelCall>(&bound);
  if (call == nullptr) return std::nullopt;
  if (orm::IsReadOnlyDefaultMethod(call->method)) {
    if (!services.credentials.Holds(CacheKey(services, state))) return std::nullopt;
  } else if (IsWriteMethod(call->method)) {
    if (!services.credentials.HoldsForPassword(CacheKey(services, state))) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return services.security->For(state.db)->cached_version();
}

// Whether the check's answer holds for the caller's password as it was
// assumed: the rights version, the user active without a second factor,
// and its password hash the one the cache entry was verified against.
// `api_key_possible`: a mismatch of the password hash is then left to
// the caller, which reads the user's API keys.
enum class CheckVerdict { kHolds, kMissed, kPasswordDiffers };

CheckVerdict JudgeCheck(RpcServices& services, const ObjectCall& state, const orm::SecurityVersion& assumed,
                        const core::Result<StoredCredentialAndVersion>& found) {
  if (!found || !found->version || !(*found->version == assumed)) return CheckVerdict::kMissed;
  const std::optional<StoredCredential>& user = found->user;
  if (!user || !user->active || user->totp_enabled || user->hash.empty()) return CheckVerdict::kMissed;
  if (!services.credentials.MatchesAny(CacheKey(services, state), {user->hash}, false)) {
    return CheckVerdict::kPasswordDiffers;
  }
  return CheckVerdict::kHolds;
}

RpcOutcome RunSpeculatively(RpcServices& services, db::Connection& connection, const ObjectCall& state,
                            const ModelCall& model_call, const orm::SecurityVersion& assumed) {
  // Counted once per call: a run again after a too-early COMMIT is the same call.
  if (services.object_counters != nullptr && !state.early_commit_missed) {
    services.object_counters->sent_with_check.fetch_add(1);
  }
  SendUserByIdWithSecurityVersion(connection, state.uid);
  const bool writes = IsWriteMethod(model_call.method);
  std::string shape;  // learned under, for read-only calls
  bool commit_early = false;
  if (!writes && services.one_statement_calls != nullptr && !state.early_commit_missed) {
    shape = CallShape(state, model_call);
    commit_early = services.one_statement_calls->Expected(shape);
    if (commit_early) connection.CommitWithNextStatement();
  }
  const std::uint64_t sent_before = connection.statements_sent();
  if (writes) {
    connection.CheckDeferredWith(
        [&services, &state, &assumed](const core::Result<db::QueryResult>& answer) -> std::optional<core::Error> {
          if (JudgeCheck(services, state, assumed, ParseUserAndVersion(answer)) == CheckVerdict::kHolds) {
            return std::nullopt;
          }
          return core::MakeError(core::ErrorCode::kPermissionDenied, "the credential check sent with the call failed");
        });
  }
  orm::Value result;
  std::exception_ptr failure;
  try {
    orm::Environment env = CallerEnvironment(services, connection, state.db, state.uid, assumed);
    result = orm::CallModelMethod(env, model_call.model, model_call.method, model_call.args, model_call.kwargs);
  } catch (...) {
    failure = std::current_exception();
  }
  if (connection.committed_too_early()) {
    services.one_statement_calls->NeededMore(shape);
    if (services.object_counters != nullptr) services.object_counters->committed_too_early.fetch_add(1);
    throw EarlyCommitMissed{};
  }
  if (!shape.empty()) {
    if (commit_early) {
      if (services.object_counters != nullptr && connection.committed_with_statement()) {
        services.object_counters->committed_with_statement.fetch_add(1);
      }
    } else {
      services.one_statement_calls->Needed(shape, connection.statements_sent() - sent_before);
    }
  }
  // Whatever the call made of a refusal (an error it caught, or none when it
  // sent nothing after the check), the refusal decides.
  if (connection.condemned()) throw SpeculationMissed{};
  const auto verdict = JudgeCheck(services, state, assumed, TakeUserByIdWithSecurityVersion(connection));
  if (verdict == CheckVerdict::kMissed) throw SpeculationMissed{};
  if (verdict == CheckVerdict::kPasswordDiffers) {
    // Writes come here only for a password's entry: another hash is a miss.
    if (writes || failure) throw SpeculationMissed{};  // an aborted transaction cannot read API keys
    auto keys = FindApiKeyCandidates(connection, state.password, "rpc", state.uid);
    if (!keys) throw SpeculationMissed{};
    std::vector<std::string> hashes;
    for (const ApiKeyCandidate& key : *keys) hashes.push_back(key.hash);
    if (!services.credentials.MatchesAny(CacheKey(services, state), hashes, false)) {
      throw SpeculationMissed{};
    }
  }
  if (failure) std::rethrow_exception(failure);
  return result;
}

// The call in its transaction on a pooled connection, returned before the
// caller goes on; nullopt outcome with `detour` set when it must verify. A
// call whose connection was lost before COMMIT (a failover) runs once more on
// a fresh one, which reaches the new primary; a lost COMMIT is reported.
RpcOutcome RunInTransaction(RpcServices& services, ObjectCall& state,
                            std::optional<NeedsVerification>& detour) {
  const std::string where = state.call.service + "." + state.call.method;
  for (int attempt = 1;; ++attempt) {
    auto connection = services.tenants.Acquire(state.db);
    if (!connection) return ConnectionFailure(connection.error(), state.call.request_id, "execute_kw");
    orm::TransactionRunner runner(**connection, services.registry);
    try {
      return runner.Run([&]() -> RpcOutcome {
        // Bound once; a binding error is still answered only after the
        // credential check, as in Odoo.
        const auto bound = BindModelCall(state.call);
        if (auto assumed = SpeculativeVersion(services, state, bound)) {
          return RunSpeculatively(services, **connection, state, std::get<ModelCall>(bound), *assumed);
        }
        std::optional<orm::SecurityVersion> version;
        if (!state.support) {
          if (auto needs = CheckStoredSecrets(services, **connection, state, version)) throw *needs;
        } else if (!state.support->scope->read_write) {
          // Beside the ORM's refusal: PostgreSQL refuses any write of a
          // read-only grant's call, even one a module makes in plain SQL.
          auto read_only = (*connection)->Execute("SET TRANSACTION READ ONLY");
          if (!read_only) throw orm::DatabaseError(read_only.error());
        }
        if (const auto* error = std::get_if<RpcError>(&bound)) return *error;
        const ModelCall& model_call = std::get<ModelCall>(bound);
        orm::Environment env = CallerEnvironment(services, **connection, state.db, state.uid, version);
        if (state.support) env = env.WithSupportScope(state.support->scope);
        orm::Value result = orm::CallModelMethod(env, model_call.model, model_call.method, model_call.args,
                                                 model_call.kwargs);
        if (state.support) AuditSupportSuccess(services, *state.support, state.call.params);
        return result;
      });
    } catch (const EarlyCommitMissed&) {
      state.early_commit_missed = true;
      --attempt;  // nothing was lost: not a retry on a new connection
      continue;
    } catch (const SpeculationMissed&) {
      if (services.object_counters != nullptr) services.object_counters->check_missed.fetch_add(1);
      state.speculation_missed = true;
      --attempt;  // nothing was lost: not a retry on a new connection
      continue;
    } catch (const NeedsVerification& needs) {
      detour = needs;
      return RpcError::AccessDenied();
    } catch (const orm::DatabaseError& error) {
      if (attempt == 1 && orm::MayRunAgainOnNewConnection(runner, error.error())) continue;
      if (orm::CommitOutcomeUnknown(runner, error.error())) return RpcError::CommitOutcomeUnknown(state.call.request_id);
      return RpcErrorFromException(std::current_exception(), state.call.request_id, where);
    } catch (...) {
      return RpcErrorFromException(std::current_exception(), state.call.request_id, where);
    }
  }
}

// On a db worker, before a verification: the sign-in throttle
// (throttled_check.hpp), keyed "#<uid>" as CheckLogin keys a known user.
void ThrottledVerify(RpcServices& services, std::shared_ptr<ObjectCall> state, std::vector<std::string> hashes,
                     std::string password_hash, bool live, RpcDone done) {
  ThrottledCheck what{state->db, live, state->call.client_ip, "#" + std::to_string(state->uid),
                      state->call.request_id};
  RunThrottled(
      services, what,
      [&services, state, hashes = std::move(hashes), password_hash = std::move(password_hash),
       done](RecordVerdict record) mutable {
        Verify(services, state, std::move(hashes), std::move(password_hash), std::move(record), std::move(done));
      },
      [done] { done(RpcError::AccessDenied()); }, [done](RpcError error) { done(std::move(error)); });
}

// On a db worker: the call, or the detour to Verify.
void Run(RpcServices& services, std::shared_ptr<ObjectCall> state, RpcDone done) {
  if (!services.tenants.IsLive(state->db)) {
    if (state->verified) return done(RpcError::AccessDenied());  // dropped meanwhile
    return ThrottledVerify(services, state, {}, {}, false, std::move(done));
  }
  std::optional<NeedsVerification> detour;
  RpcOutcome outcome = RunInTransaction(services, *state, detour);
  if (!detour) return done(std::move(outcome));
  if (state->verified) return done(RpcError::AccessDenied());  // the hash changed meanwhile
  ThrottledVerify(services, state, std::move(detour->hashes), std::move(detour->password_hash), true,
                  std::move(done));
}

}  // namespace

void DispatchObject(RpcServices& services, RpcCall call, RpcDone done) {
  const Value& p = call.params;
  if (p.size() < 3) return done(RpcError::Raised("builtins.IndexError", "tuple index out of range"));
  auto uid = PythonInt(p[1]);
  if (auto* error = std::get_if<RpcError>(&uid)) return done(*error);
  // Odoo: an empty password is refused before anything is read.
  if (!p[2].is_string() || p[2].get_ref<const std::string&>().empty()) {
    return done(RpcError::AccessDenied());
  }
  auto state = std::make_shared<ObjectCall>();
  state->db = p[0].is_string() ? p[0].get<std::string>() : std::string();
  state->uid = std::get<std::int64_t>(uid);
  state->password = p[2].get<std::string>();
  state->call = std::move(call);
  if (platform::LooksLikeSupportToken(state->password)) {
    auto admitted = AdmitSupportCall(services, state->db, state->uid, state->password);
    if (auto* refused = std::get_if<RpcError>(&admitted)) return done(std::move(*refused));
    state->support = std::move(std::get<SupportAdmission>(admitted));
    std::optional<NeedsVerification> unused;
    RpcOutcome outcome = RunInTransaction(services, *state, unused);
    if (const auto* failed = std::get_if<RpcError>(&outcome)) {
      AuditSupportFailure(services, *state->support, state->call.params, *failed);
    }
    return done(std::move(outcome));
  }
  Run(services, std::move(state), std::move(done));
}

}  // namespace citadel::rpc
