#include "orm/access_guard.hpp"

#include <string>

#include "orm/crud_sql.hpp"
#include "orm/errors.hpp"

namespace citadel::orm {
namespace {

// Fixed statements, one per operation, because a column name cannot be a
// parameter and SqlText takes literals only.
db::SqlText AclQuery(Operation operation) {
  switch (operation) {
    case Operation::kRead:
      return "SELECT coalesce(bool_or(a.perm_read), false) AS allowed FROM ir_model_access a "
             "JOIN ir_model m ON m.id = a.model_id WHERE m.model = $1 AND (a.group_id IS NULL OR "
             "a.group_id IN (SELECT gid FROM res_groups_users_rel WHERE uid = $2))";
    case Operation::kWrite:
      return "SELECT coalesce(bool_or(a.perm_write), false) AS allowed FROM ir_model_access a "
             "JOIN ir_model m ON m.id = a.model_id WHERE m.model = $1 AND (a.group_id IS NULL OR "
             "a.group_id IN (SELECT gid FROM res_groups_users_rel WHERE uid = $2))";
    case Operation::kCreate:
      return "SELECT coalesce(bool_or(a.perm_create), false) AS allowed FROM ir_model_access a "
             "JOIN ir_model m ON m.id = a.model_id WHERE m.model = $1 AND (a.group_id IS NULL OR "
             "a.group_id IN (SELECT gid FROM res_groups_users_rel WHERE uid = $2))";
    case Operation::kUnlink:
      return "SELECT coalesce(bool_or(a.perm_unlink), false) AS allowed FROM ir_model_access a "
             "JOIN ir_model m ON m.id = a.model_id WHERE m.model = $1 AND (a.group_id IS NULL OR "
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

bool AccessGuard::HasModelAccess(const Environment& env, const Model& model, Operation operation) {
  if (env.su()) return true;
  db::QueryResult result = Run(env, AclQuery(operation), model.name(), env.uid());
  return result.Text(0, "allowed") == "t";
}

void AccessGuard::CheckModel(const Environment& env, const Model& model, Operation operation) {
  if (!HasModelAccess(env, model, operation)) throw AccessError(AclMessage(env, model, operation));
}

std::optional<Domain> AccessGuard::RuleDomain(const Environment& env, const Model& model,
                                              Operation operation) {
  if (env.su()) return std::nullopt;
  db::QueryResult rules = Run(env, RulesQuery(operation), model.name(), env.uid());
  if (rules.empty()) return std::nullopt;
  std::vector<Value> global_domains;
  std::vector<Value> group_domains;
  for (int row = 0; row < rules.rows(); ++row) {
    const std::string text = rules.Text(row, "domain_force");
    Value domain = Value::array();
    if (!text.empty()) {
      domain = Value::parse(text, nullptr, /*allow_exceptions=*/false);
      if (domain.is_discarded() || !domain.is_array()) {
        throw AccessError("A record rule of '" + Description(model) + "' (" + model.name() +
                          ") is not a valid domain; no " + std::string(OperationName(operation)) +
                          " is allowed until it is fixed.");
      }
    }
    (rules.Text(row, "global") == "t" ? global_domains : group_domains)
        .push_back(NormalizeDomain(domain));
  }
  if (!group_domains.empty()) global_domains.push_back(Combine("|", group_domains));
  Value combined = Combine("&", global_domains);
  try {
    return Domain::Parse(model, combined);
  } catch (const ValidationError&) {
    throw AccessError("A record rule of '" + Description(model) + "' (" + model.name() +
                      ") is not a valid domain; no " + std::string(OperationName(operation)) +
                      " is allowed until it is fixed.");
  }
}

void AccessGuard::CheckRecords(const Environment& env, const Model& model, Operation operation,
                               std::span<const std::int64_t> ids) {
  if (env.su() || ids.empty()) return;
  std::optional<Domain> rule = RuleDomain(env, model, operation);
  if (!rule) return;
  const db::Identifier& alias = crud_sql::RootAlias();
  // NOT coalesce(...): a rule that is NULL for a row (a comparison with a
  // NULL column) does not grant it, exactly as a read would not return it.
  db::ComposedSql sql("SELECT ");
  sql.Qualified(alias, crud_sql::Name("id"))
      .Sql(" FROM ")
      .Name(crud_sql::Name(model.table()))
      .Sql(" AS ")
      .Name(alias)
      .Sql(" WHERE ")
      .Append(crud_sql::IdIn(alias, ids))
      .Sql(" AND NOT coalesce((")
      .Append(CompileDomain(*rule, alias))
      .Sql("), false) LIMIT 1");
  if (!env.Execute(sql).empty()) {
    throw AccessError(
        "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, you don't "
        "have '" +
        std::string(OperationName(operation)) + "' access to:\n- " + Description(model) + " (" +
        model.name() + ")");
  }
}

bool AccessGuard::InFieldGroups(const Environment& env, const Field& field) {
  if (env.su() || field.def().groups.empty()) return true;
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
    if (!InFieldGroups(env, *field)) {
      throw AccessError(
          "The requested operation can not be completed due to security restrictions.\n\n"
          "Document type: " +
          Description(model) + " (" + model.name() + ")\nOperation: " +
          std::string(OperationName(operation)) + "\nFields:\n- " + field->name());
    }
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
