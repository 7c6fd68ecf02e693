#include "orm/access_guard.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "orm/crud_sql.hpp"
#include "orm/errors.hpp"
#include "orm/rule_company_walks.hpp"
#include "orm/security_cache.hpp"
#include "orm/support_scope.hpp"

namespace citadel::orm {
namespace {

// The call's cached security data, when it has some for this very user.
const UserSecurity* CachedUser(const Environment& env) {
  const UserSecurity* user = env.security_user();
  if (env.security_snapshot() == nullptr || user == nullptr || user->uid != env.uid()) return nullptr;
  return user;
}

PermissionBits Bit(Operation operation) {
  return static_cast<PermissionBits>(1u << static_cast<unsigned>(operation));
}

// Fixed statements, one per operation, because a column name cannot be a
// parameter and SqlText takes literals only.
db::SqlText AclQuery(Operation operation) {
  switch (operation) {
    case Operation::kRead:
      return "SELECT coalesce(bool_or(a.perm_read), false) AS allowed FROM ir_model_access a "
             "JOIN ir_model m ON m.id = a.model_id WHERE m.model = $1 AND a.active AND (a.group_id IS NULL OR "
             "a.group_id IN (SELECT gid FROM res_groups_users_rel WHERE uid = $2))";
    case Operation::kWrite:
      return "SELECT coalesce(bool_or(a.perm_write), false) AS allowed FROM ir_model_access a "
             "JOIN ir_model m ON m.id = a.model_id WHERE m.model = $1 AND a.active AND (a.group_id IS NULL OR "
             "a.group_id IN (SELECT gid FROM res_groups_users_rel WHERE uid = $2))";
    case Operation::kCreate:
      return "SELECT coalesce(bool_or(a.perm_create), false) AS allowed FROM ir_model_access a "
             "JOIN ir_model m ON m.id = a.model_id WHERE m.model = $1 AND a.active AND (a.group_id IS NULL OR "
             "a.group_id IN (SELECT gid FROM res_groups_users_rel WHERE uid = $2))";
    case Operation::kUnlink:
      return "SELECT coalesce(bool_or(a.perm_unlink), false) AS allowed FROM ir_model_access a "
             "JOIN ir_model m ON m.id = a.model_id WHERE m.model = $1 AND a.active AND (a.group_id IS NULL OR "
             "a.group_id IN (SELECT gid FROM res_groups_users_rel WHERE uid = $2))";
  }
  throw std::logic_error("unknown operation");
}

db::SqlText GroupsWithAccessQuery(Operation operation) {
  switch (operation) {
    case Operation::kRead:
      return "SELECT DISTINCT g.name FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id "
             "JOIN res_groups g ON g.id = a.group_id WHERE m.model = $1 AND a.perm_read ORDER BY 1";
    case Operation::kWrite:
      return "SELECT DISTINCT g.name FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id "
             "JOIN res_groups g ON g.id = a.group_id WHERE m.model = $1 AND a.perm_write ORDER BY 1";
    case Operation::kCreate:
      return "SELECT DISTINCT g.name FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id "
             "JOIN res_groups g ON g.id = a.group_id WHERE m.model = $1 AND a.perm_create ORDER BY "
             "1";
    case Operation::kUnlink:
      return "SELECT DISTINCT g.name FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id "
             "JOIN res_groups g ON g.id = a.group_id WHERE m.model = $1 AND a.perm_unlink ORDER BY "
             "1";
  }
  throw std::logic_error("unknown operation");
}

// The active rules of the model for the operation that concern the user:
// global ones (no group) and those of one of the user's groups.
#define CITADEL_RULES_QUERY(perm)                                                                \
  "SELECT r.domain_force, NOT EXISTS (SELECT 1 FROM rule_group_rel rg WHERE rg.rule_group_id = " \
  "r.id) AS global FROM ir_rule r JOIN ir_model m ON m.id = r.model_id WHERE m.model = $1 AND "  \
  "r.active AND r." perm                                                                         \
  " AND (NOT EXISTS (SELECT 1 FROM rule_group_rel rg WHERE rg.rule_group_id = r.id) OR EXISTS "  \
  "(SELECT 1 FROM rule_group_rel rg JOIN res_groups_users_rel gu ON gu.gid = rg.group_id WHERE " \
  "rg.rule_group_id = r.id AND gu.uid = $2)) ORDER BY r.id"

db::SqlText RulesQuery(Operation operation) {
  switch (operation) {
    case Operation::kRead:
      return CITADEL_RULES_QUERY("perm_read");
    case Operation::kWrite:
      return CITADEL_RULES_QUERY("perm_write");
    case Operation::kCreate:
      return CITADEL_RULES_QUERY("perm_create");
    case Operation::kUnlink:
      return CITADEL_RULES_QUERY("perm_unlink");
  }
  throw std::logic_error("unknown operation");
}
#undef CITADEL_RULES_QUERY

db::QueryResult Run(const Environment& env, db::SqlText sql, const std::string& model,
                    std::int64_t uid) {
  auto result = env.connection().Execute(sql, model, uid);
  if (!result) throw DatabaseError(std::move(result.error()));
  return std::move(*result);
}

std::string Description(const Model& model) {
  return model.description().empty() ? model.name() : model.description();
}

std::string AclMessage(const Environment& env, const Model& model, Operation operation) {
  static constexpr const char* kHeaders[] = {
      "You are not allowed to access '%k' (%m) records.",
      "You are not allowed to modify '%k' (%m) records.",
      "You are not allowed to create '%k' (%m) records.",
      "You are not allowed to delete '%k' (%m) records.",
  };
  std::string message;
  for (const char* c = kHeaders[static_cast<int>(operation)]; *c != '\0'; ++c) {
    if (c[0] == '%' && c[1] == 'k') {
      message += Description(model);
      ++c;
    } else if (c[0] == '%' && c[1] == 'm') {
      message += model.name();
      ++c;
    } else {
      message += *c;
    }
  }
  auto groups = env.connection().Execute(GroupsWithAccessQuery(operation), model.name());
  if (groups && !groups->empty()) {
    message += "\n\nThis operation is allowed for the following groups:";
    for (int row = 0; row < groups->rows(); ++row) message += "\n\t- " + groups->Text(row, "name");
  } else {
    message += "\n\nNo group currently allows this operation.";
  }
  return message + "\n\nContact your administrator to request access if necessary.";
}

[[noreturn]] void InvalidRule(const Model& model, Operation operation) {
  throw AccessError("A record rule of '" + Description(model) + "' (" + model.name() +
                    ") is not a valid domain; no " + std::string(OperationName(operation)) +
                    " is allowed until it is fixed.");
}

db::QueryResult RunForUser(const Environment& env, db::SqlText sql) {
  auto result = env.connection().Execute(sql, env.uid());
  if (!result) throw DatabaseError(std::move(result.error()));
  return std::move(*result);
}

// One id (or false) from a fixed query on the user's row.
Value UserScalar(const Environment& env, db::SqlText sql) {
  db::QueryResult result = RunForUser(env, sql);
  if (result.empty()) return false;
  auto text = result.Get(0, 0);
  if (!text) return false;
  return std::stoll(std::string(*text));
}

std::vector<std::int64_t> UserCompanyIds(const Environment& env) {
  if (const UserSecurity* user = CachedUser(env)) return user->companies;
  db::QueryResult result = RunForUser(
      env, "SELECT cid FROM res_company_users_rel WHERE user_id = $1 ORDER BY cid");
  std::vector<std::int64_t> ids;
  for (int row = 0; row < result.rows(); ++row) ids.push_back(std::stoll(result.Text(row, "cid")));
  return ids;
}

// The context's allowed_company_ids, validated; nullopt when absent or empty.
std::optional<std::vector<std::int64_t>> ContextCompanyIds(const Environment& env) {
  auto it = env.context().find("allowed_company_ids");
  if (it == env.context().end() || it->is_null() || (it->is_array() && it->empty())) {
    return std::nullopt;
  }
  const char* kUnauthorized = "Access to unauthorized or invalid companies.";
  if (!it->is_array() || it->size() > 10000) throw AccessError(kUnauthorized);
  std::vector<std::int64_t> ids;
  for (const auto& id : *it) {
    if (!id.is_number_integer()) throw AccessError(kUnauthorized);
    ids.push_back(id.get<std::int64_t>());
  }
  if (!env.su()) {
    const std::vector<std::int64_t> mine = UserCompanyIds(env);
    for (std::int64_t id : ids) {
      if (std::find(mine.begin(), mine.end(), id) == mine.end()) throw AccessError(kUnauthorized);
    }
  }
  return ids;
}

// What RecordsAllowedSql's answer depends on besides the snapshot, the
// registry and the user (rule_sql_memo.hpp): the context's companies are
// taken as sent, so a list the user may not use is refused on every call.
std::string RuleSqlKey(const Environment& env, const Model& model, Operation operation,
                       const db::Identifier& alias) {
  std::string key = model.name();
  key += '\x1f';
  key += OperationName(operation);
  key += '\x1f';
  key += alias.str();
  key += '\x1f';
  key += std::to_string(env.uid());
  key += '\x1f';
  if (auto it = env.context().find("allowed_company_ids"); it != env.context().end()) key += it->dump();
  return key;
}

// Replaces rule variables in one value position (a value, or a list value's
// elements); `lookup` resolves a name.
template <class Lookup>
Value SubstituteValue(const Value& value, const Lookup& lookup, bool in_list) {
  if (value.is_object()) {
    auto it = value.find("var");
    if (value.size() != 1 || it == value.end() || !it->is_string()) return lookup("");
    return lookup(it->get<std::string>());
  }
  if (value.is_array() && !in_list) {
    Value out = Value::array();
    for (const auto& element : value) {
      Value replaced = SubstituteValue(element, lookup, true);
      // A list variable inside a list value is spliced in ([false, company_ids...]).
      if (element.is_object() && replaced.is_array()) {
        for (auto& id : replaced) out.push_back(std::move(id));
      } else {
        out.push_back(std::move(replaced));
      }
    }
    return out;
  }
  return value;
}

// AND (or OR) of domains already normalised to one expression each.
Value Combine(const char* op, const std::vector<Value>& domains) {
  Value combined = Value::array();
  for (std::size_t i = 1; i < domains.size(); ++i) combined.push_back(op);
  for (const auto& domain : domains) {
    for (const auto& item : domain) combined.push_back(item);
  }
  return combined;
}

}  // namespace

std::string_view OperationName(Operation operation) {
  switch (operation) {
    case Operation::kRead: return "read";
    case Operation::kWrite: return "write";
    case Operation::kCreate: return "create";
    case Operation::kUnlink: return "unlink";
  }
  return "?";
}

Value NormalizeDomain(const Value& domain) {
  if (!domain.is_array()) return domain;
  if (domain.empty()) return Value::array({Value::array({1, "=", 1})});
  Value result = Value::array();
  int expected = 1;
  for (const auto& token : domain) {
    if (expected == 0) {
      result.insert(result.begin(), "&");
      expected = 1;
    }
    if (token.is_array()) {
      --expected;
    } else if (token == "&" || token == "|") {
      ++expected;
    }  // "!" takes one and gives one; anything else Parse refuses
    result.push_back(token);
  }
  return result;
}

namespace {
// A support staff member's grant (support_scope.hpp): checked before su,
// which it limits too.
std::optional<std::string> SupportRefusal(const Environment& env, const Model& model, Operation operation) {
  const SupportScope* scope = env.support_scope();
  if (scope == nullptr) return std::nullopt;
  return scope->Refusal(model.name(), operation != Operation::kRead, env.su());
}
}  // namespace

bool AccessGuard::HasModelAccess(const Environment& env, const Model& model, Operation operation) {
  if (SupportRefusal(env, model, operation)) return false;
  if (env.su()) return true;
  if (const UserSecurity* user = CachedUser(env)) {
    return env.security_snapshot()->HasAccess(model.name(), Bit(operation), *user);
  }
  db::QueryResult result = Run(env, AclQuery(operation), model.name(), env.uid());
  return result.Text(0, "allowed") == "t";
}

void AccessGuard::CheckModel(const Environment& env, const Model& model, Operation operation) {
  if (auto refusal = SupportRefusal(env, model, operation)) throw AccessError(*refusal);
  if (!HasModelAccess(env, model, operation)) throw AccessError(AclMessage(env, model, operation));
}

std::optional<Domain> AccessGuard::RuleDomain(const Environment& env, const Model& model,
                                              Operation operation, bool* reads_database) {
  if (env.su()) return std::nullopt;
  std::vector<Value> global_domains;
  std::vector<Value> group_domains;
  auto add = [&](const Value& domain, bool global) {
    if (domain.is_discarded() || !domain.is_array()) InvalidRule(model, operation);
    Value substituted = SubstituteRuleVariables(env, model, domain, reads_database);
    // The company tree of the call's own snapshot instead of a walk in SQL.
    if (const SecuritySnapshot* snapshot = env.security_snapshot();
        snapshot != nullptr && snapshot->company_tree() != nullptr) {
      substituted = ResolveCompanyWalks(model, substituted, *snapshot->company_tree());
    }
    (global ? global_domains : group_domains).push_back(NormalizeDomain(substituted));
  };
  if (const UserSecurity* user = CachedUser(env)) {
    for (const CachedRule* rule : env.security_snapshot()->Rules(model.name(), Bit(operation), *user)) {
      add(rule->domain, rule->groups.empty());
    }
  } else {
    if (reads_database != nullptr) *reads_database = true;
    db::QueryResult rules = Run(env, RulesQuery(operation), model.name(), env.uid());
    for (int row = 0; row < rules.rows(); ++row) {
      const std::string text = rules.Text(row, "domain_force");
      add(text.empty() ? Value::array() : Value::parse(text, nullptr, /*allow_exceptions=*/false),
          rules.Text(row, "global") == "t");
    }
  }
  if (global_domains.empty() && group_domains.empty()) return std::nullopt;
  if (!group_domains.empty()) global_domains.push_back(Combine("|", group_domains));
  Value combined = Combine("&", global_domains);
  try {
    return Domain::Parse(model, combined);
  } catch (const ValidationError&) {
    InvalidRule(model, operation);
  }
}

std::vector<std::int64_t> AccessGuard::AllowedCompanyIds(const Environment& env) {
  if (auto ids = ContextCompanyIds(env)) return std::move(*ids);
  return UserCompanyIds(env);
}

std::int64_t AccessGuard::CurrentCompanyId(const Environment& env) {
  if (auto ids = ContextCompanyIds(env)) return ids->front();
  if (const UserSecurity* user = CachedUser(env)) return user->company_id;
  Value company = UserScalar(env, "SELECT company_id FROM res_users WHERE id = $1");
  return company.is_number_integer() ? company.get<std::int64_t>() : 0;
}

Value AccessGuard::SubstituteRuleVariables(const Environment& env, const Model& model,
                                           const Value& domain, bool* reads_database) {
  if (!domain.is_array()) return domain;
  // Each variable is read at most once per rule, and only when a rule names it.
  std::map<std::string, Value, std::less<>> cache;
  auto lookup = [&](const std::string& name) -> Value {
    if (auto it = cache.find(name); it != cache.end()) return it->second;
    Value value;
    if (name == "user.id") {
      value = env.uid();
    } else if (name == "user.partner_id") {
      const UserSecurity* user = CachedUser(env);
      if (user == nullptr && reads_database != nullptr) *reads_database = true;
      value = user == nullptr ? UserScalar(env, "SELECT partner_id FROM res_users WHERE id = $1")
              : user->partner_id > 0 ? Value(user->partner_id)
                                     : Value(false);
    } else if (name == "user.commercial_partner_id") {
      if (reads_database != nullptr) *reads_database = true;
      value = UserScalar(env,
                         "SELECT p.commercial_partner_id FROM res_users u JOIN res_partner p ON "
                         "p.id = u.partner_id WHERE u.id = $1");
    } else if (name == "company_ids") {
      value = Value(AllowedCompanyIds(env));
    } else if (name == "company_id") {
      const std::int64_t company = CurrentCompanyId(env);
      value = company > 0 ? Value(company) : Value(false);
    } else {
      throw AccessError("A record rule of '" + Description(model) + "' (" + model.name() +
                        ") uses an unknown variable; nothing is allowed until it is fixed.");
    }
    cache.emplace(name, value);
    return value;
  };
  Value out = Value::array();
  for (const auto& item : domain) {
    if (item.is_array() && item.size() == 3) {
      Value term = item;
      term[2] = SubstituteValue(item[2], lookup, false);
      out.push_back(std::move(term));
    } else {
      out.push_back(item);
    }
  }
  return out;
}

std::optional<db::ComposedSql> AccessGuard::RecordsAllowedSql(const Environment& env,
                                                              const Model& model,
                                                              Operation operation,
                                                              const db::Identifier& alias) {
  if (env.su()) return std::nullopt;
  // Kept per security snapshot (rule_sql_memo.hpp says why that is right).
  const SecuritySnapshot* snapshot = env.security_snapshot();
  const UserSecurity* user = CachedUser(env);
  std::string key;
  if (snapshot != nullptr && user != nullptr) {
    key = RuleSqlKey(env, model, operation, alias);
    if (auto entry = snapshot->rule_sql().Find(key, &env.registry(), user)) return entry->sql;
  }
  bool reads_database = false;
  std::optional<Domain> rule = RuleDomain(env, model, operation, &reads_database);
  std::optional<db::ComposedSql> sql;
  if (rule) {
    // coalesce(...): a rule that is NULL for a row (a comparison with a NULL
    // column) does not grant it, exactly as a search would not return it.
    sql = db::ComposedSql("coalesce((");
    sql->Append(CompileDomain(*rule, alias)).Sql("), false)");
  }
  if (!key.empty() && !reads_database) {
    snapshot->rule_sql().Remember(std::move(key), {env.shared_registry(), env.shared_security_user(), sql});
  }
  return sql;
}

void AccessGuard::RefuseRecords(const Model& model, Operation operation) {
  throw AccessError(
      "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, you don't "
      "have '" +
      std::string(OperationName(operation)) + "' access to:\n- " + Description(model) + " (" +
      model.name() + ")");
}

void AccessGuard::CheckRecords(const Environment& env, const Model& model, Operation operation,
                               std::span<const std::int64_t> ids) {
  if (env.su() || ids.empty()) return;
  const db::Identifier& alias = crud_sql::RootAlias();
  std::optional<db::ComposedSql> allowed = RecordsAllowedSql(env, model, operation, alias);
  if (!allowed) return;
  db::ComposedSql sql("SELECT ");
  sql.Qualified(alias, crud_sql::Name("id"))
      .Sql(" FROM ")
      .Name(crud_sql::Name(model.table()))
      .Sql(" AS ")
      .Name(alias)
      .Sql(" WHERE ")
      .Append(crud_sql::IdIn(alias, ids))
      .Sql(" AND NOT ")
      .Append(*allowed)
      .Sql(" LIMIT 1");
  if (!env.Execute(sql).empty()) RefuseRecords(model, operation);
}

bool AccessGuard::InFieldGroups(const Environment& env, const Field& field) {
  if (env.su() || field.def().groups.empty()) return true;
  if (const UserSecurity* user = CachedUser(env)) {
    const SecuritySnapshot& snapshot = *env.security_snapshot();
    return std::any_of(field.def().groups.begin(), field.def().groups.end(),
                       [&](const std::string& xml_id) {
                         const std::int64_t group = snapshot.GroupId(xml_id);
                         return group > 0 && user->InGroup(group);
                       });
  }
  // Groups are external ids; without ir.model.data nobody is in them.
  if (env.registry().FindModel("ir.model.data") == nullptr) return false;
  const auto& groups = field.def().groups;
  auto result = env.connection().Execute(
      "SELECT 1 FROM ir_model_data d JOIN res_groups_users_rel gu ON gu.gid = d.res_id WHERE "
      "d.model = 'res.groups' AND gu.uid = $1 AND (d.module || '.' || d.name) = ANY($2::text[]) "
      "LIMIT 1",
      env.uid(), crud_sql::TextArray(groups));
  if (!result) throw DatabaseError(std::move(result.error()));
  return !result->empty();
}

void AccessGuard::CheckFields(const Environment& env, const Model& model,
                              std::span<const Field* const> fields, Operation operation) {
  for (const Field* field : fields) {
    if (operation == Operation::kRead && field->def().write_only) {
      throw AccessError("The field '" + field->name() + "' of '" + Description(model) + "' (" +
                        model.name() + ") is write-only: it can never be read.");
    }
    // Passwords and secrets are the customer's own: support never sets one.
    if (operation != Operation::kRead && field->def().write_only && env.support_scope() != nullptr) {
      throw AccessError("Support access never sets '" + field->name() + "' of '" + model.name() + "'.");
    }
    if (!InFieldGroups(env, *field)) {
      throw AccessError(
          "The requested operation can not be completed due to security restrictions.\n\n"
          "Document type: " +
          Description(model) + " (" + model.name() + ")\nOperation: " +
          std::string(OperationName(operation)) + "\nFields:\n- " + field->name());
    }
  }
}

namespace {

void CollectConditionFields(const DomainNode& node, std::vector<const Field*>& fields) {
  if (node.kind == DomainNode::Kind::kCondition && node.field != nullptr) fields.push_back(node.field);
  for (const DomainNode& child : node.children) CollectConditionFields(child, fields);
  if (node.subdomain) CollectConditionFields(*node.subdomain, fields);
}

}  // namespace

void AccessGuard::CheckDomainFields(const Environment& env, const Domain& domain) {
  std::vector<const Field*> fields;
  CollectConditionFields(domain.root(), fields);
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  for (const Field* field : fields) CheckFields(env, field->model(), std::span(&field, 1), Operation::kRead);
}

void AccessGuard::CheckOrderFields(const Environment& env, std::span<const OrderTerm> terms) {
  for (const OrderTerm& term : terms) {
    CheckFields(env, term.field->model(), std::span(&term.field, 1), Operation::kRead);
  }
}

DomainCompileOptions AccessGuard::ReadCompileOptions(const Environment& env) {
  DomainCompileOptions options;
  options.active_test = env.active_test();
  if (!env.su()) {
    // Copies the environment: the options may outlive this call's frame.
    options.read_rule = [env](const Model& model) -> std::optional<Domain> {
      CheckModel(env, model, Operation::kRead);
      return RuleDomain(env, model, Operation::kRead);
    };
  }
  return options;
}

}  // namespace citadel::orm
