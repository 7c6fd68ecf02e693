#include "rpc/support_call.hpp"

#include "core/logger.hpp"
#include "orm/errors.hpp"
#include "platform/support_access.hpp"
#include "platform/support_audit_log.hpp"

namespace citadel::rpc {
namespace {

bool AppendSupportAudit(RpcServices& services, std::int64_t tenant_id, const std::string& staff,
                        const std::string& action, const orm::Value& details) {
  auto logged = platform::SupportAuditLog(services.support->tenants())
                    .Append(tenant_id, staff, action,
                            details.dump(-1, ' ', false, orm::Value::error_handler_t::replace));
  // Never with the details: they are the customer's data.
  if (!logged)
    core::Log().Error("support audit not written",
                      {{"action", action}, {"error", logged.error().message}});
  return logged.has_value();
}

orm::Value SupportCallDetails(const SupportAdmission& admission, const orm::Value& params) {
  orm::Value details = SupportCallSummary(params);
  details["grant_id"] = admission.session.grant_id;
  return details;
}

}  // namespace

orm::Value SupportCallSummary(const orm::Value& params) {
  orm::Value summary = orm::Value::object();
  summary["model"] = params.size() > 3 && params[3].is_string() ? params[3] : orm::Value(false);
  summary["method"] = params.size() > 4 && params[4].is_string() ? params[4] : orm::Value(false);
  const orm::Value args = params.size() > 5 ? params[5] : orm::Value::array();
  orm::Value ids = orm::Value::array();
  if (args.is_array() && !args.empty()) {
    const orm::Value& first = args[0];
    if (first.is_number_integer()) ids.push_back(first);
    if (first.is_array()) {
      for (const orm::Value& id : first) {
        if (ids.size() == 20) break;
        if (id.is_number_integer()) ids.push_back(id);
      }
    }
  }
  summary["ids"] = std::move(ids);
  std::string text = args.dump(-1, ' ', false, orm::Value::error_handler_t::replace);
  if (text.size() > kMaxAuditedArgumentBytes) {
    std::size_t cut = kMaxAuditedArgumentBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  summary["args"] = std::move(text);
  orm::Value keywords = orm::Value::array();
  if (params.size() > 6 && params[6].is_object()) {
    for (auto it = params[6].begin(); it != params[6].end() && keywords.size() < 20; ++it)
      keywords.push_back(it.key());
  }
  summary["kwargs"] = std::move(keywords);
  return summary;
}

std::variant<SupportAdmission, RpcError> AdmitSupportCall(RpcServices& services,
                                                          const std::string& db, std::int64_t uid,
                                                          const std::string& token) {
  if (services.support == nullptr) return RpcError::AccessDenied();
  auto check = platform::SupportSessions(services.support->tenants()).Check(token);
  if (!check) {
    core::Log().Error("support session check failed", {{"error", check.error().message}});
    return RpcError::AccessDenied();
  }
  if (!*check) return RpcError::AccessDenied();  // no such session: nobody's chain to write to
  platform::SupportSessionCheck& session = **check;
  std::string refusal = session.refusal;
  if (refusal.empty() && (session.tenant != db || session.uid != uid))
    refusal = "session used for another database or user";
  if (!refusal.empty()) {
    AppendSupportAudit(services, session.tenant_id, session.staff_login, "call_refused",
                       {{"reason", refusal}, {"grant_id", session.grant_id}});
    return RpcError::AccessDenied();
  }
  auto scope = std::make_shared<orm::SupportScope>();
  scope->read_write = session.read_write;
  scope->models = session.models;
  return SupportAdmission{std::move(session), std::move(scope)};
}

void AuditSupportSuccess(RpcServices& services, const SupportAdmission& admission,
                         const orm::Value& params) {
  orm::Value details = SupportCallDetails(admission, params);
  details["outcome"] = "ok";
  if (!AppendSupportAudit(services, admission.session.tenant_id, admission.session.staff_login,
                          "call", details)) {
    throw orm::UserError(
        "The support audit could not be written: nothing was done. Try again later.");
  }
}

void AuditSupportFailure(RpcServices& services, const SupportAdmission& admission,
                         const orm::Value& params, const RpcError& error) {
  orm::Value details = SupportCallDetails(admission, params);
  details["outcome"] = "error";
  details["error"] = error.name;
  AppendSupportAudit(services, admission.session.tenant_id, admission.session.staff_login, "call",
                     details);
}

}  // namespace citadel::rpc
