// citadel.support.grant and citadel.support.audit: the tenant admin's side of
// support access (docs/support_access.md).
//
//   citadel.support.grant.open_grant(models, access="read", hours=24, staff_login=False)
//       -> {id, access, models, staff_login, opened_by, ticket, created_at, expires_at, active,
//       ...}
//   citadel.support.grant.list_grants(include_ended=False) -> [grant, ...]
//   citadel.support.grant.revoke_grant(grant_id)           -> true, or false when nothing was
//   revoked citadel.support.audit.read_entries(after_seq=0, limit=100)
//       -> [{seq, at, staff, action, details, prev_hash, hash}, ...] (oldest first, ≤ 500)
//   citadel.support.audit.verify_chain() -> {ok, entries, first_broken_seq, head_hash}
//
// Models without a table (Odoo's _auto = False): grants and the audit live
// in the platform's catalog, reached through the Environment's SupportDesk
// (orm/support_desk.hpp), bound to the call's tenant; init_sql makes empty
// views so the ORM's own methods find nothing rather than fail. Every method
// passes AccessGuard first, the one enforcement point: the rights are
// group_system's only (security/access.csv): reading lists and reads the
// audit, writing opens and revokes. Support staff never reach either model,
// whatever their grant (orm/support_scope.hpp).
#include <string>

#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"
#include "orm/access_guard.hpp"
#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/record_set.hpp"
#include "orm/support_desk.hpp"

namespace citadel::modules::base {
namespace {

orm::SupportDesk& SupportDeskOf(const orm::RecordSet& records, orm::Operation operation) {
  orm::AccessGuard::CheckModel(records.env(), records.model(), operation);
  orm::SupportDesk* desk = records.env().support_desk();
  if (desk == nullptr) throw orm::UserError("Support access is not available on this server.");
  return *desk;
}

// The method's arguments by name, positional ones in `names` order; an
// unknown keyword or too many positionals is Python's TypeError.
std::vector<const orm::Value*> SupportArguments(const char* method, const orm::Value& args,
                                                const orm::Value& kwargs,
                                                std::initializer_list<const char*> names) {
  std::vector<const orm::Value*> bound(names.size(), nullptr);
  const std::size_t given = args.is_array() ? args.size() : 0;
  if (given > names.size()) {
    throw orm::ArgumentError(std::string(method) + "() takes " + std::to_string(names.size() + 1) +
                             " positional arguments but " + std::to_string(given + 1) +
                             " were given");
  }
  for (std::size_t i = 0; i < given; ++i) bound[i] = &args[i];
  if (!kwargs.is_object()) return bound;
  for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
    std::size_t i = 0;
    for (const char* name : names) {
      if (it.key() == name) break;
      ++i;
    }
    if (i == names.size() || bound[i] != nullptr) {
      throw orm::ArgumentError(std::string(method) +
                               "() got an unexpected or repeated keyword argument '" + it.key() +
                               "'");
    }
    bound[i] = &it.value();
  }
  return bound;
}

bool Given(const orm::Value* value) {
  return value != nullptr && !value->is_null() && *value != orm::Value(false);
}

std::int64_t IntegerArgument(const orm::Value* value, const char* name, std::int64_t fallback) {
  if (!Given(value)) return fallback;
  if (!value->is_number_integer()) throw orm::ValidationError(std::string("Invalid ") + name + ".");
  return value->get<std::int64_t>();
}

orm::Value OpenGrant(const orm::RecordSet& records, const orm::Value& args,
                     const orm::Value& kwargs) {
  auto a =
      SupportArguments("open_grant", args, kwargs, {"models", "access", "hours", "staff_login"});
  orm::SupportGrantRequest request;
  if (!Given(a[0]) || !a[0]->is_array() || a[0]->empty() || a[0]->size() > 200) {
    throw orm::ValidationError("A support grant names 1 to 200 models.");
  }
  const orm::Environment& env = records.env();
  for (const orm::Value& model : *a[0]) {
    // Only models this database has: a grant cannot name a model to come.
    if (!model.is_string() ||
        env.registry().FindModel(model.get_ref<const std::string&>()) == nullptr) {
      throw orm::ValidationError(
          "A support grant names models of this database by their technical names.");
    }
    request.models.push_back(model.get<std::string>());
  }
  const std::string access = Given(a[1]) && a[1]->is_string() ? a[1]->get<std::string>() : "read";
  if (access != "read" && access != "write")
    throw orm::ValidationError("Access is \"read\" or \"write\".");
  request.read_write = access == "write";
  const std::int64_t hours = IntegerArgument(a[2], "hours", 24);
  if (hours < 1 || hours > 168)
    throw orm::ValidationError("A support grant lasts 1 to 168 hours (7 days).");
  request.hours = static_cast<int>(hours);
  if (Given(a[3])) {
    if (!a[3]->is_string() || a[3]->get_ref<const std::string&>().size() > 64) {
      throw orm::ValidationError("Invalid staff_login.");
    }
    request.staff_login = a[3]->get<std::string>();
  }
  return SupportDeskOf(records, orm::Operation::kWrite).OpenGrant(env.uid(), request);
}

orm::Value ListGrants(const orm::RecordSet& records, const orm::Value& args,
                      const orm::Value& kwargs) {
  auto a = SupportArguments("list_grants", args, kwargs, {"include_ended"});
  const bool include_ended = Given(a[0]) && a[0]->is_boolean() && a[0]->get<bool>();
  return SupportDeskOf(records, orm::Operation::kRead).ListGrants(include_ended);
}

orm::Value RevokeGrant(const orm::RecordSet& records, const orm::Value& args,
                       const orm::Value& kwargs) {
  auto a = SupportArguments("revoke_grant", args, kwargs, {"grant_id"});
  const std::int64_t id = IntegerArgument(a[0], "grant_id", 0);
  if (id <= 0) throw orm::ValidationError("Invalid grant_id.");
  return SupportDeskOf(records, orm::Operation::kWrite).RevokeGrant(id, records.env().uid());
}

orm::Value ReadEntries(const orm::RecordSet& records, const orm::Value& args,
                       const orm::Value& kwargs) {
  auto a = SupportArguments("read_entries", args, kwargs, {"after_seq", "limit"});
  const std::int64_t after = IntegerArgument(a[0], "after_seq", 0);
  const std::int64_t limit = IntegerArgument(a[1], "limit", 100);
  if (after < 0 || limit < 1 || limit > 500)
    throw orm::ValidationError("after_seq ≥ 0 and limit 1 to 500.");
  return SupportDeskOf(records, orm::Operation::kRead).AuditPage(after, static_cast<int>(limit));
}

orm::Value VerifyChain(const orm::RecordSet& records, const orm::Value& args,
                       const orm::Value& kwargs) {
  SupportArguments("verify_chain", args, kwargs, {});
  return SupportDeskOf(records, orm::Operation::kRead).VerifyAudit();
}

orm::ModelDef TablelessSupportModel(
    const char* name, const char* description, db::SqlText view,
    std::initializer_list<std::pair<const char*, orm::ModelMethod>> methods) {
  orm::ModelDef def = fields::Model(name, description);
  def.auto_table = false;
  def.log_access = false;
  def.init_sql = {view};
  for (const auto& [method_name, method] : methods) {
    def.methods[method_name] = method;
    def.exposed_methods.insert(method_name);
    def.model_methods.insert(method_name);
  }
  return def;
}

}  // namespace

orm::ModelDef CitadelSupportGrantDef() {
  return TablelessSupportModel(
      "citadel.support.grant", "Support access grants",
      "CREATE OR REPLACE VIEW citadel_support_grant AS SELECT NULL::integer AS id WHERE false",
      {{"open_grant", OpenGrant}, {"list_grants", ListGrants}, {"revoke_grant", RevokeGrant}});
}

orm::ModelDef CitadelSupportAuditDef() {
  return TablelessSupportModel(
      "citadel.support.audit", "Support access audit",
      "CREATE OR REPLACE VIEW citadel_support_audit AS SELECT NULL::integer AS id WHERE false",
      {{"read_entries", ReadEntries}, {"verify_chain", VerifyChain}});
}

}  // namespace citadel::modules::base
