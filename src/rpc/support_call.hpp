// A support staff member's execute_kw: the "password" is a staff session
// token (platform/support_sessions.hpp), the uid the tenant's support user
// (support@platform) the session was opened for.
//
// AdmitSupportCall reads the session, its staff account, grant and tenant
// from the catalog on every call (one statement): nothing cached, so a
// revocation, an expiry or a disabled account refuses the very next call on
// every server. A refusal is AccessDenied, as for a wrong password, and is
// written to the tenant's audit chain with its reason. An admitted call runs
// with the grant's orm::SupportScope in its Environment (AccessGuard
// enforces it), and is audited on the catalog's own connection, so the
// entry stays whatever becomes of the call. Fail closed: a call that
// succeeded is audited inside its transaction, before COMMIT and before
// anything is answered (AuditSupportSuccess), and an audit that cannot be
// written rolls the call back and answers an error: no staff call changes
// or reads anything unaudited. A call that failed is audited after its
// rollback (AuditSupportFailure). A call retried on a serialization failure
// is audited once per attempt.
//
// On a db worker (blocks on the catalog).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "orm/support_scope.hpp"
#include "orm/value.hpp"
#include "platform/support_sessions.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

struct SupportAdmission {
  platform::SupportSessionCheck session;
  std::shared_ptr<const orm::SupportScope> scope;
};

// At most this many bytes of a call's arguments go to the audit.
inline constexpr std::size_t kMaxAuditedArgumentBytes = 512;

std::variant<SupportAdmission, RpcError> AdmitSupportCall(RpcServices& services,
                                                          const std::string& db, std::int64_t uid,
                                                          const std::string& token);

// `params` are execute_kw's (db, uid, token, model, method, args, kw).
// Throws orm::UserError when the entry could not be written.
void AuditSupportSuccess(RpcServices& services, const SupportAdmission& admission,
                         const orm::Value& params);
void AuditSupportFailure(RpcServices& services, const SupportAdmission& admission,
                         const orm::Value& params, const RpcError& error);

// The audit's summary of a call: model, method, the ids (at most 20), the
// arguments cut to kMaxAuditedArgumentBytes, the keyword names. Public for
// tests.
orm::Value SupportCallSummary(const orm::Value& params);

}  // namespace citadel::rpc
