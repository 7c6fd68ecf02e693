#include "platform/tenant_provisioner.hpp"

#include <chrono>
#include <thread>

#include "db/error.hpp"
#include "db/identifier.hpp"
#include "db/utility_statement.hpp"
#include "platform/tenant_template.hpp"

namespace citadel::platform {
namespace {

core::Result<void> Run(db::Connection& conn, db::UtilityStatementBuilder& builder) {
  auto statement = builder.Build();
  if (!statement) return core::Unexpected(statement.error());
  auto r = conn.ExecuteUtility(*statement);
  if (!r) return core::Unexpected(r.error());
  return {};
}

core::Result<void> CloneTemplate(db::Connection& maintenance, const db::Identifier& id) {
  // FILE_COPY, not PostgreSQL 15's default WAL_LOG: WAL_LOG logs the
  // template's sequence pages as they are, "32 values already logged"
  // included, so the new database's next 32 ids are handed out without WAL;
  // a promoted standby (or crash recovery) then hands them out again, and
  // creates failed with duplicate keys after every failover of the HA test.
  // FILE_COPY checkpoints, so the first nextval logs its own record.
  // Another session on the template (a concurrent Open preparing it) makes
  // CREATE DATABASE fail with object_in_use after its own 5 s wait; retry.
  for (int attempt = 0;; ++attempt) {
    auto r = Run(maintenance, db::UtilityStatementBuilder(maintenance)
                                  .Sql("CREATE DATABASE ")
                                  .Name(id)
                                  .Sql(" TEMPLATE citadel_template STRATEGY FILE_COPY OWNER ")
                                  .Name(id));
    if (r || attempt >= 2 || db::SqlStateOf(r.error()) != db::sqlstate::kObjectInUse) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

core::Result<void> Provision(const db::ClusterAccess& access, db::Connection& maintenance,
                             const db::Identifier& id, const TenantDatabaseSpec& spec,
                             bool provisioner_is_superuser, bool& made_role, bool& made_db) {
  auto r = Run(maintenance, db::UtilityStatementBuilder(maintenance)
                                .Sql("CREATE ROLE ")
                                .Name(id)
                                .Sql(" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                                     "NOBYPASSRLS NOINHERIT CONNECTION LIMIT ")
                                .Integer(spec.connection_limit)
                                .Sql(" PASSWORD ")
                                .PasswordVerifier(id, spec.role_password));
  if (!r) return r;
  made_role = true;
  if (!provisioner_is_superuser) {
    // A CREATEROLE provisioner must be a member to give the role a database.
    r = Run(maintenance, db::UtilityStatementBuilder(maintenance)
                             .Sql("GRANT ")
                             .Name(id)
                             .Sql(" TO CURRENT_USER"));
    if (!r) return r;
  }
  if (spec.empty) {
    r = Run(maintenance, db::UtilityStatementBuilder(maintenance)
                             .Sql("CREATE DATABASE ")
                             .Name(id)
                             .Sql(" TEMPLATE template0 ENCODING 'UTF8' OWNER ")
                             .Name(id));
  } else {
    r = CloneTemplate(maintenance, id);
  }
  if (!r) return r;
  made_db = true;
  r = Run(maintenance, db::UtilityStatementBuilder(maintenance)
                           .Sql("REVOKE CONNECT, TEMPORARY ON DATABASE ")
                           .Name(id)
                           .Sql(" FROM PUBLIC"));
  if (!r) return r;
  r = Run(maintenance, db::UtilityStatementBuilder(maintenance)
                           .Sql("GRANT CONNECT, TEMPORARY ON DATABASE ")
                           .Name(id)
                           .Sql(" TO ")
                           .Name(id));
  if (!r) return r;
  auto tenant_db = db::Connection::Open(access.ProvisioningDsn(id.str()));
  if (!tenant_db) return core::Unexpected(tenant_db.error());
  r = Run(*tenant_db, db::UtilityStatementBuilder(*tenant_db)
                          .Sql("REASSIGN OWNED BY citadel_template TO ")
                          .Name(id));
  if (!r) return r;
  // The role is NOINHERIT, so it gets nothing through pg_database_owner (the
  // public schema's owner in a fresh database): it owns the schema itself.
  r = Run(*tenant_db, db::UtilityStatementBuilder(*tenant_db)
                          .Sql("ALTER SCHEMA public OWNER TO ")
                          .Name(id));
  if (!r) return r;
  auto revoked = tenant_db->Execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
  if (!revoked) return core::Unexpected(revoked.error());
  // The copy has the template's security epoch: a new one, so that no cached
  // rights of another tenant, or of a dropped namesake, can match this one's
  // (orm/security_signal.hpp).
  auto renewed = tenant_db->Execute(
      "DO $$ BEGIN IF to_regclass('citadel_security_signal') IS NOT NULL THEN UPDATE "
      "citadel_security_signal SET epoch = gen_random_uuid(), version = version + 1; END IF; "
      "END $$");
  if (!renewed) return core::Unexpected(renewed.error());
  return {};
}

}  // namespace

core::Result<void> CreateTenantDatabase(const db::ClusterAccess& access,
                                        db::Connection& maintenance,
                                        const TenantDatabaseSpec& spec,
                                        bool provisioner_is_superuser) {
  auto id = db::Identifier::Make(spec.name);
  if (!id) return core::Unexpected(id.error());
  bool made_role = false;
  bool made_db = false;
  auto r = Provision(access, maintenance, *id, spec, provisioner_is_superuser, made_role, made_db);
  if (!r && (made_role || made_db)) {
    // Undo: no half tenant stays behind. The original error is what matters.
    (void)DropTenantDatabase(maintenance, spec.name);
  }
  return r;
}

core::Result<void> DropTenantDatabase(db::Connection& maintenance, const std::string& name) {
  auto id = db::Identifier::Make(name);
  if (!id) return core::Unexpected(id.error());
  auto ended = maintenance.Execute(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = $1 AND pid <> pg_backend_pid()",
      name);
  if (!ended) return core::Unexpected(ended.error());
  // WITH (FORCE) ends sessions that arrived after the line above.
  auto r = Run(maintenance, db::UtilityStatementBuilder(maintenance)
                                .Sql("DROP DATABASE IF EXISTS ")
                                .Name(*id)
                                .Sql(" WITH (FORCE)"));
  if (!r) return r;
  return Run(maintenance,
             db::UtilityStatementBuilder(maintenance).Sql("DROP ROLE IF EXISTS ").Name(*id));
}

}  // namespace citadel::platform
