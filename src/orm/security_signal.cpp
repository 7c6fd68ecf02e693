#include "orm/security_signal.hpp"

#include <array>

namespace citadel::orm {
namespace {

// Statement-level triggers on these: any insert, update, delete or truncate.
constexpr std::array<db::SqlText, 6> kTriggerStatements = {
    "CREATE OR REPLACE TRIGGER citadel_security_changed AFTER INSERT OR UPDATE OR DELETE OR "
    "TRUNCATE ON ir_model FOR EACH STATEMENT EXECUTE FUNCTION citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed AFTER INSERT OR UPDATE OR DELETE OR "
    "TRUNCATE ON ir_model_access FOR EACH STATEMENT EXECUTE FUNCTION citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed AFTER INSERT OR UPDATE OR DELETE OR "
    "TRUNCATE ON ir_rule FOR EACH STATEMENT EXECUTE FUNCTION citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed AFTER INSERT OR UPDATE OR DELETE OR "
    "TRUNCATE ON rule_group_rel FOR EACH STATEMENT EXECUTE FUNCTION citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed AFTER INSERT OR UPDATE OR DELETE OR "
    "TRUNCATE ON res_groups_users_rel FOR EACH STATEMENT EXECUTE FUNCTION "
    "citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed AFTER INSERT OR UPDATE OR DELETE OR "
    "TRUNCATE ON res_company_users_rel FOR EACH STATEMENT EXECUTE FUNCTION "
    "citadel_security_changed()",
};

// Narrower ones: a user's company, partner or active flag, and the external
// ids of groups (field `groups` name groups by external id). Partners and
// other external ids change all the time and must not empty the cache.
// The companies' parent links too: SecurityCache keeps the tree for record
// rules' child_of / parent_of (company_tree.hpp); a company's name or address
// changing empties nothing.
constexpr std::array<db::SqlText, 5> kNarrowTriggerStatements = {
    "CREATE OR REPLACE TRIGGER citadel_security_changed AFTER UPDATE OF company_id, partner_id, "
    "active ON res_users FOR EACH STATEMENT EXECUTE FUNCTION citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed_ins AFTER INSERT ON ir_model_data FOR "
    "EACH ROW WHEN (NEW.model = 'res.groups') EXECUTE FUNCTION citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed_upd AFTER UPDATE ON ir_model_data FOR "
    "EACH ROW WHEN (OLD.model = 'res.groups' OR NEW.model = 'res.groups') EXECUTE FUNCTION "
    "citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed_del AFTER DELETE ON ir_model_data FOR "
    "EACH ROW WHEN (OLD.model = 'res.groups') EXECUTE FUNCTION citadel_security_changed()",
    "CREATE OR REPLACE TRIGGER citadel_security_changed AFTER INSERT OR DELETE OR TRUNCATE OR "
    "UPDATE OF parent_id ON res_company FOR EACH STATEMENT EXECUTE FUNCTION citadel_security_changed()",
};

core::Result<void> RunStatement(db::Connection& connection, db::SqlText sql) {
  auto result = connection.Execute(sql);
  if (!result) return core::Unexpected(result.error());
  return {};
}

}  // namespace

core::Result<void> EnsureSecuritySignal(db::Connection& connection) {
  auto present = connection.Execute(
      "SELECT count(*) = 9 AS ok FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname IN ('ir_model', "
      "'ir_model_access', 'ir_rule', 'rule_group_rel', 'res_groups_users_rel', "
      "'res_company_users_rel', 'res_users', 'ir_model_data', 'res_company')");
  if (!present) return core::Unexpected(present.error());
  if (present->Text(0, "ok") != "t") return {};
  // `one` makes it a single row, whatever a bug or an operator inserts.
  if (auto r = RunStatement(connection,
                   "CREATE TABLE IF NOT EXISTS citadel_security_signal (one boolean PRIMARY KEY "
                   "DEFAULT true CHECK (one), epoch uuid NOT NULL DEFAULT gen_random_uuid(), "
                   "version bigint NOT NULL DEFAULT 1)");
      !r) {
    return r;
  }
  if (auto r = RunStatement(connection,
                   "INSERT INTO citadel_security_signal DEFAULT VALUES ON CONFLICT (one) DO NOTHING");
      !r) {
    return r;
  }
  if (auto r = RunStatement(connection,
                   "CREATE OR REPLACE FUNCTION citadel_security_changed() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ BEGIN UPDATE citadel_security_signal SET version = "
                   "version + 1; RETURN NULL; END $$");
      !r) {
    return r;
  }
  for (db::SqlText sql : kTriggerStatements) {
    if (auto r = RunStatement(connection, sql); !r) return r;
  }
  for (db::SqlText sql : kNarrowTriggerStatements) {
    if (auto r = RunStatement(connection, sql); !r) return r;
  }
  return {};
}

core::Result<bool> HasSecuritySignal(db::Connection& connection) {
  auto result = connection.Execute(
      "SELECT to_regclass('citadel_security_signal') IS NOT NULL AS present");
  if (!result) return core::Unexpected(result.error());
  return result->Text(0, "present") == "t";
}

core::Result<SecurityVersion> ReadSecurityVersion(db::Connection& connection) {
  auto result = connection.Execute("SELECT epoch::text AS epoch, version FROM citadel_security_signal");
  if (!result) return core::Unexpected(result.error());
  if (result->empty()) {
    return core::Fail(core::ErrorCode::kInternal, "the security signal row is missing");
  }
  return SecurityVersion{result->Text(0, "epoch"), std::stoll(result->Text(0, "version"))};
}

}  // namespace citadel::orm
