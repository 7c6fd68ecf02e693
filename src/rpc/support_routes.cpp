#include "rpc/support_routes.hpp"

#include <chrono>
#include <memory>

#include "auth/totp.hpp"
#include "core/logger.hpp"
#include "core/password_hasher.hpp"
#include "orm/transaction_runner.hpp"
#include "platform/staff_accounts.hpp"
#include "platform/support_access.hpp"
#include "platform/support_audit_log.hpp"
#include "platform/support_grants.hpp"
#include "platform/support_sessions.hpp"
#include "rpc/json_route.hpp"
#include "rpc/secret_check.hpp"
#include "rpc/support_user.hpp"
#include "rpc/throttled_check.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

struct StaffSignInAttempt {
  std::string db, login, password, totp, ticket, source, request_id;
  Value models = Value::array();
  std::optional<platform::StaffCredentials> staff;  // nullopt: unknown login
  std::int64_t tenant_id = 0;                       // 0: no such tenant
};

// Bounded text parameters; anything else makes the sign-in fail.
bool TakeText(const Value& params, const char* name, std::size_t max, std::string& out) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_string() || it->get_ref<const std::string&>().size() > max)
    return false;
  out = it->get<std::string>();
  return true;
}

void AuditSignIn(RpcServices& services, const StaffSignInAttempt& in, const std::string& action,
                 const Value& details) {
  if (in.tenant_id == 0) return;
  auto logged = platform::SupportAuditLog(services.support->tenants())
                    .Append(in.tenant_id, in.login, action,
                            details.dump(-1, ' ', false, Value::error_handler_t::replace));
  if (!logged)
    core::Log().Error("support audit not written",
                      {{"request_id", in.request_id}, {"action", action}});
}

RpcError Refuse(RpcServices& services, const StaffSignInAttempt& in, const std::string& reason) {
  core::Log().Info("support sign-in refused", {{"request_id", in.request_id}, {"reason", reason}});
  AuditSignIn(services, in, "sign_in_refused", {{"reason", reason}, {"source", in.source}});
  return RpcError::AccessDenied();
}

// The grant to enter under: the newest active one this staff member may
// use, or (where the operator allows it) a read-only one they open citing a ticket.
std::variant<platform::SupportGrant, std::string> GrantFor(RpcServices& services,
                                                           const StaffSignInAttempt& in) {
  platform::SupportGrants grants(services.support->tenants());
  auto active = grants.ActiveFor(in.db, in.staff->id);
  if (!active) return std::string("catalog error");
  if (*active) return **active;
  if (in.ticket.empty()) return std::string("no active grant");
  if (!services.support->options().staff_may_open_grants)
    return std::string("staff may not open grants here");
  platform::NewSupportGrant wanted{false,    {}, 24, in.staff->login, "staff:" + in.staff->login,
                                   in.ticket};
  for (const Value& m : in.models)
    if (m.is_string()) wanted.models.push_back(m.get<std::string>());
  auto opened = grants.Open(in.db, wanted);
  if (!opened) return "grant refused: " + opened.error().message;
  AuditSignIn(services, in, "grant_opened_by_staff", platform::SupportGrantValue(*opened));
  return *opened;
}

// On a db worker, after the password matched: the TOTP code, the grant, the
// support user, the session.
RpcOutcome Admit(RpcServices& services, const StaffSignInAttempt& in) {
  auto secret = auth::Base32Decode(in.staff->totp_secret_base32);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto step =
      secret ? auth::VerifyTotp(*secret, in.totp, now, in.staff->totp_last_step) : std::nullopt;
  if (!step) return Refuse(services, in, "wrong or reused TOTP code");
  platform::StaffAccounts accounts(services.support->tenants());
  auto claimed = accounts.ClaimTotpStep(in.staff->id, *step);
  if (!claimed || !*claimed) return Refuse(services, in, "TOTP code already used");
  if (in.tenant_id == 0) return RpcError::AccessDenied();
  auto grant = GrantFor(services, in);
  if (auto* reason = std::get_if<std::string>(&grant)) return Refuse(services, in, *reason);
  const platform::SupportGrant& g = std::get<platform::SupportGrant>(grant);

  auto connection = services.tenants.Acquire(in.db);
  if (!connection) return ConnectionFailure(connection.error(), in.request_id, "support sign-in");
  std::int64_t uid = 0;
  try {
    orm::TransactionRunner runner(**connection, services.registry);
    uid = runner.Run(
        [&] { return EnsureSupportUser(orm::Environment(services.registry, **connection, 1)); });
  } catch (...) {
    return RpcErrorFromException(std::current_exception(), in.request_id, "support sign-in");
  }
  auto token = platform::SupportSessions(services.support->tenants())
                   .Create(in.staff->id, in.tenant_id, g.id, uid);
  if (!token) return RpcError::Internal(in.request_id);
  AuditSignIn(
      services, in, "sign_in",
      {{"grant_id", g.id}, {"access", g.read_write ? "write" : "read"}, {"source", in.source}});
  return Value{{"uid", uid}, {"token", *token}, {"grant", platform::SupportGrantValue(g)}};
}

}  // namespace

void StaffSignIn(RpcServices& services, JsonCall call, JsonReplyFn reply) {
  auto in = std::make_shared<StaffSignInAttempt>();
  in->source = call.client_ip;
  in->request_id = call.request_id;
  const Value& p = call.params;
  if (services.support == nullptr || !TakeText(p, "db", 63, in->db) ||
      !TakeText(p, "login", 64, in->login) ||
      !TakeText(p, "password", core::kMaxPasswordBytes, in->password) ||
      !TakeText(p, "totp", 16, in->totp) || in->password.empty()) {
    return reply({RpcError::AccessDenied(), {}});
  }
  if (p.contains("ticket") && !TakeText(p, "ticket", 64, in->ticket))
    return reply({RpcError::AccessDenied(), {}});
  if (auto it = p.find("models");
      it != p.end() && it->is_array() && it->size() <= platform::kMaxGrantModels) {
    in->models = *it;
  }
  auto staff = platform::StaffAccounts(services.support->tenants()).FindForSignIn(in->login);
  auto tenant_id = platform::SupportAuditLog(services.support->tenants()).TenantId(in->db);
  if (!staff || !tenant_id) return reply({RpcError::Internal(call.request_id), {}});
  in->staff = *staff;
  in->tenant_id = tenant_id->value_or(0);
  std::vector<std::string> hashes;
  if (in->staff && !in->staff->disabled) hashes.push_back(in->staff->password_hash);
  const ThrottledCheck what{in->db, services.tenants.IsLive(in->db), in->source,
                            "staff:" + in->login, in->request_id};
  RunThrottled(
      services, what,
      [&services, in, hashes = std::move(hashes), reply](RecordVerdict record) mutable {
        std::string password = in->password;
        VerifyAgainstAny(services.hashing, std::move(password), std::move(hashes),
                         [&services, in, reply, record](SecretVerdict verdict) {
                           if (verdict.busy) return reply({RpcError::Busy(), {}});
                           const bool submitted = services.db_workers.Submit([&services, in, reply,
                                                                              record, verdict] {
                             if (!verdict.matched) {
                               record(false);
                               return reply({Refuse(services, *in,
                                                    in->staff ? "wrong password or disabled account"
                                                              : "unknown staff login"),
                                             {}});
                             }
                             RpcOutcome outcome = Admit(services, *in);
                             record(std::holds_alternative<Value>(outcome));
                             reply({std::move(outcome), {}});
                           });
                           if (!submitted) reply({RpcError::Busy(), {}});
                         });
      },
      [&services, in, reply] {
        reply({Refuse(services, *in, "sign-in cooldown"), {}});
      },
      [reply](RpcError error) {
        reply({std::move(error), {}});
      });
}

void StaffSignOut(RpcServices& services, JsonCall call, JsonReplyFn reply) {
  std::string token;
  if (services.support == nullptr || !TakeText(call.params, "token", 128, token)) {
    return reply({RpcError::AccessDenied(), {}});
  }
  platform::SupportSessions sessions(services.support->tenants());
  auto check = sessions.Check(token);
  auto ended = sessions.End(token);
  if (!check || !ended) return reply({RpcError::Internal(call.request_id), {}});
  if (*check && *ended) {
    auto logged = platform::SupportAuditLog(services.support->tenants())
                      .Append((*check)->tenant_id, (*check)->staff_login, "sign_out",
                              Value{{"grant_id", (*check)->grant_id}}.dump());
    if (!logged) core::Log().Error("support audit not written", {{"request_id", call.request_id}});
  }
  reply({Value(*ended), {}});
}

void AddSupportRoutes(http::Router& router, RpcServices& services) {
  AddJsonRoute(router, services.db_workers, "/citadel/support/session",
               [&services](JsonCall call, JsonReplyFn reply) {
                 StaffSignIn(services, std::move(call), std::move(reply));
               });
  AddJsonRoute(router, services.db_workers, "/citadel/support/session/end",
               [&services](JsonCall call, JsonReplyFn reply) {
                 StaffSignOut(services, std::move(call), std::move(reply));
               });
}

}  // namespace citadel::rpc
