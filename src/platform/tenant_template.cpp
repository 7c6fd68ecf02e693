#include "platform/tenant_template.hpp"

#include <string>

#include "db/error.hpp"

namespace citadel::platform {
namespace {

core::Result<void> Check(const core::Result<db::QueryResult>& r) {
  if (!r) return core::Unexpected(r.error());
  return {};
}

// Installs the modules when the template records other versions: one
// transaction as the template role, the new versions recorded in it.
core::Result<void> InstallTemplateModules(db::Connection& tpl, const TemplateModules& modules) {
  if (!modules.install) return {};
  auto current = tpl.Execute("SELECT value FROM citadel_meta WHERE key = 'template_modules'");
  if (!current) return core::Unexpected(current.error());
  if (current->rows() == 1 && current->Get(0, 0) == modules.versions) return {};
  auto work = [&]() -> core::Result<void> {
    if (auto r = Check(tpl.Execute("BEGIN")); !r) return r;
    if (auto r = Check(tpl.Execute("SET LOCAL ROLE citadel_template")); !r) return r;
    if (auto r = modules.install(tpl); !r) return r;
    if (auto r = Check(tpl.Execute(
            "INSERT INTO citadel_meta (key, value) VALUES ('template_modules', $1) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            modules.versions));
        !r) {
      return r;
    }
    return Check(tpl.Execute("COMMIT"));
  };
  auto done = work();
  if (!done) {
    (void)tpl.Execute("ROLLBACK");
    // kInternal: whatever the cause, it is no usage error of the command that opened us.
    return core::Fail(core::ErrorCode::kInternal,
                      "installing the modules in the tenant template: " + done.error().message);
  }
  return {};
}

core::Result<void> FillTemplate(db::Connection& tpl) {
  auto current = tpl.Execute("SELECT value FROM citadel_meta WHERE key = 'template_schema_version'");
  if (current && current->rows() == 1 &&
      current->Get(0, 0) == std::to_string(kTemplateSchemaVersion)) {
    return {};
  }
  // The template role owns the schema too: a new owner needs CREATE on the
  // schema of what it receives, and REASSIGN OWNED then hands the schema to
  // each tenant along with its contents.
  for (db::SqlText sql : {
           db::SqlText("ALTER SCHEMA public OWNER TO citadel_template"),
           db::SqlText("CREATE TABLE IF NOT EXISTS citadel_meta (key text PRIMARY KEY, value text)"),
           db::SqlText("ALTER TABLE citadel_meta OWNER TO citadel_template"),
           db::SqlText("REVOKE ALL ON SCHEMA public FROM PUBLIC"),
       }) {
    if (auto r = Check(tpl.Execute(sql)); !r) return r;
  }
  return Check(tpl.Execute(
      "INSERT INTO citadel_meta (key, value) VALUES ('template_schema_version', $1) "
      "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
      kTemplateSchemaVersion));
}

}  // namespace

core::Result<void> PrepareTemplate(const db::ClusterAccess& access, db::Connection& maintenance,
                                   bool provisioner_is_superuser, const TemplateModules& modules) {
  auto role = maintenance.Execute("SELECT 1 FROM pg_roles WHERE rolname = $1", kTemplateRole);
  if (!role) return core::Unexpected(role.error());
  if (role->empty()) {
    auto made = maintenance.Execute("CREATE ROLE citadel_template NOLOGIN NOINHERIT");
    if (!made && db::SqlStateOf(made.error()) != db::sqlstate::kDuplicateObject) {
      return core::Unexpected(made.error());
    }
  }
  if (!provisioner_is_superuser) {
    if (auto r = Check(maintenance.Execute("GRANT citadel_template TO CURRENT_USER")); !r) return r;
  }
  auto db = maintenance.Execute("SELECT 1 FROM pg_database WHERE datname = $1", kTemplateDatabase);
  if (!db) return core::Unexpected(db.error());
  if (db->empty()) {
    auto made = maintenance.Execute(
        "CREATE DATABASE citadel_template TEMPLATE template0 ENCODING 'UTF8'");
    if (!made && db::SqlStateOf(made.error()) != db::sqlstate::kDuplicateDatabase) {
      return core::Unexpected(made.error());
    }
  }
  for (db::SqlText sql : {
           db::SqlText("REVOKE CONNECT, TEMPORARY ON DATABASE citadel_template FROM PUBLIC"),
           db::SqlText("ALTER DATABASE citadel_template IS_TEMPLATE true"),
       }) {
    if (auto r = Check(maintenance.Execute(sql)); !r) return r;
  }
  // The connection closes at the end of this scope: CREATE DATABASE refuses
  // to copy a template that has sessions.
  auto tpl = db::Connection::Open(access.ProvisioningDsn(kTemplateDatabase));
  if (!tpl) return core::Unexpected(tpl.error());
  if (auto r = FillTemplate(*tpl); !r) return r;
  return InstallTemplateModules(*tpl, modules);
}

}  // namespace citadel::platform
