#include "platform/catalog_schema.hpp"

#include <vector>

#include "db/error.hpp"

namespace citadel::platform {
namespace {

struct Migration {
  int version;
  std::vector<db::SqlText> statements;
};

// Append only: a released migration is never edited, a change is a new one.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1,
       {"CREATE TABLE tenants ("
        "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        "  name text NOT NULL,"
        "  db_name text NOT NULL UNIQUE,"
        "  role_name text NOT NULL UNIQUE,"
        "  cluster text NOT NULL DEFAULT 'default',"
        "  state text NOT NULL CHECK (state IN ('creating', 'active', 'dropping', 'dropped')),"
        "  created_at timestamptz NOT NULL DEFAULT now(),"
        "  dropped_at timestamptz,"
        "  admin_login text NOT NULL,"
        "  admin_password_hash text NOT NULL)",
        // Unique among live tenants only: a dropped tenant's record stays, and
        // its name may be taken again.
        "CREATE UNIQUE INDEX tenants_live_name ON tenants (name) WHERE state <> 'dropped'"}},
      {2,
       {// Web sessions (platform/web_session_store.hpp). The session id itself
        // is never stored, only its SHA-256: a copy of the catalog opens no
        // session. The fingerprint is the SHA-256 of the user's stored
        // password hash at sign-in, so a new password ends every session.
        "CREATE TABLE web_sessions ("
        "  id_hash text PRIMARY KEY,"
        "  tenant_id bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,"
        "  uid bigint NOT NULL,"
        "  credential_fingerprint text NOT NULL,"
        "  created_at timestamptz NOT NULL DEFAULT now(),"
        "  last_seen_at timestamptz NOT NULL DEFAULT now(),"
        "  expires_at timestamptz NOT NULL)",
        "CREATE INDEX web_sessions_user ON web_sessions (tenant_id, uid)",
        "CREATE INDEX web_sessions_expiry ON web_sessions (expires_at)"}},
      {3,
       {// Failed sign-ins (platform/login_failure_store.hpp), one row per
        // counter: scope 'source_login', 'source' and 'login' within a
        // tenant, 'edge' for a source across all tenants (tenant '').
        "CREATE TABLE login_failures ("
        "  scope text NOT NULL CHECK (scope IN ('source_login', 'source', 'login', 'edge')),"
        "  tenant text NOT NULL,"
        "  source text NOT NULL,"
        "  login text NOT NULL,"
        "  failures integer NOT NULL,"
        "  window_start timestamptz NOT NULL,"
        "  last_failure timestamptz NOT NULL,"
        "  PRIMARY KEY (scope, tenant, source, login))",
        "CREATE INDEX login_failures_last ON login_failures (last_failure)",
        // Sources refused at the edge, for a period that doubles each time.
        "CREATE TABLE edge_blocks ("
        "  source text PRIMARY KEY,"
        "  blocked_until timestamptz NOT NULL,"
        "  blocks integer NOT NULL,"
        "  failures integer NOT NULL,"
        "  updated_at timestamptz NOT NULL DEFAULT now())"}},
      {4,
       {// Backup sites (platform/backup_catalog.hpp): where tenant backups go.
        "CREATE TABLE backup_sites ("
        "  name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),"
        "  kind text NOT NULL CHECK (kind IN ('local', 'sftp')),"
        "  region text NOT NULL CHECK (length(region) BETWEEN 1 AND 64),"
        "  location text NOT NULL,"
        "  host_key text NOT NULL DEFAULT '',"
        "  private_key_path text NOT NULL DEFAULT '',"
        "  added_at timestamptz NOT NULL DEFAULT now())",
        // The placement policy (one row); lowering it is recorded with who
        // and why, and shown by `citadel status` and the metrics.
        "CREATE TABLE backup_policy ("
        "  one boolean PRIMARY KEY DEFAULT true CHECK (one),"
        "  min_sites integer NOT NULL DEFAULT 3 CHECK (min_sites >= 1),"
        "  min_regions integer NOT NULL DEFAULT 2 CHECK (min_regions >= 1),"
        "  lowered_reason text NOT NULL DEFAULT '',"
        "  updated_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO backup_policy DEFAULT VALUES",
        // One row per backup; the file's name on every site is
        // <tenant db>/<id>.cbk. tenant_db stays when the tenant is dropped.
        "CREATE TABLE backups ("
        "  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{1,64}$'),"
        "  tenant_id bigint NOT NULL REFERENCES tenants (id),"
        "  tenant_db text NOT NULL,"
        "  kind text NOT NULL CHECK (kind IN ('scheduled', 'manual', 'safety', 'final')),"
        "  state text NOT NULL CHECK (state IN ('running', 'complete', 'failed', 'pruned')),"
        "  started_at timestamptz NOT NULL DEFAULT now(),"
        "  finished_at timestamptz,"
        "  size bigint,"
        "  sha256 text,"
        "  manifest jsonb,"
        "  verified_at timestamptz,"
        "  verify_error text,"
        "  error text)",
        "CREATE INDEX backups_tenant ON backups (tenant_id, started_at DESC)",
        "CREATE TABLE backup_copies ("
        "  backup_id text NOT NULL REFERENCES backups (id) ON DELETE CASCADE,"
        "  site text NOT NULL,"
        "  path text NOT NULL,"
        "  size bigint NOT NULL,"
        "  sha256 text NOT NULL,"
        "  stored_at timestamptz NOT NULL DEFAULT now(),"
        "  verified_at timestamptz,"
        "  PRIMARY KEY (backup_id, site))"}},
      {5,
       {// A restore onto the live database (platform/backup_restore_live.hpp)
        // marks its tenant 'restoring' for the moment of the switch: no
        // server opens a connection to it meanwhile.
        "ALTER TABLE tenants DROP CONSTRAINT tenants_state_check",
        "ALTER TABLE tenants ADD CONSTRAINT tenants_state_check "
        "CHECK (state IN ('creating', 'active', 'restoring', 'dropping', 'dropped'))",
        // The server that runs a backup: at start a server fails only its
        // own abandoned rows, never another server's running backup.
        "ALTER TABLE backups ADD COLUMN host text NOT NULL DEFAULT ''"}},
      {6,
       {// Password reset links already used (auth/reset_token_ledger.hpp): a
        // link works once, on every server, even after a tenant restore
        // brings its user's old password hash back. Only a SHA-256 of the
        // token is kept; rows go a day after the token expired.
        "CREATE TABLE used_reset_tokens ("
        "  token_id text PRIMARY KEY,"
        "  tenant text NOT NULL,"
        "  uid bigint NOT NULL,"
        "  used_at timestamptz NOT NULL DEFAULT now(),"
        "  expires_at timestamptz NOT NULL)",
        // Reset mails sent from the "forgot password" page, to cap them per
        // account (auth/reset_mail_quota.hpp): nobody can flood a mailbox.
        "CREATE TABLE password_reset_mails ("
        "  tenant text NOT NULL,"
        "  uid bigint NOT NULL,"
        "  sent_at timestamptz NOT NULL DEFAULT now())",
        "CREATE INDEX password_reset_mails_account ON password_reset_mails (tenant, uid, sent_at)"}},
      {7,
       {// Who asked for each reset mail (the client's address), to cap them
        // per source too: one address cannot make the relay mail every
        // account of a tenant (auth/reset_mail_quota.hpp).
        "ALTER TABLE password_reset_mails ADD COLUMN source text NOT NULL DEFAULT ''",
        "CREATE INDEX password_reset_mails_source ON password_reset_mails (source, sent_at)"}},
      {8,
       {// Support staff (platform/staff_accounts.hpp): platform people, in no
        // tenant, each with a PBKDF2 password hash and a TOTP secret (both
        // mandatory). A disabled account stays, so the audit keeps its name.
        "CREATE TABLE staff_accounts ("
        "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        "  login text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),"
        "  password_hash text NOT NULL CHECK (password_hash LIKE '$pbkdf2-sha512$%'),"
        "  totp_secret text NOT NULL CHECK (length(totp_secret) >= 16),"
        "  totp_last_step bigint NOT NULL DEFAULT -1,"
        "  disabled boolean NOT NULL DEFAULT false,"
        "  created_at timestamptz NOT NULL DEFAULT now(),"
        "  disabled_at timestamptz)",
        // Support grants (platform/support_grants.hpp): the only way in for
        // staff, opened by the tenant's admin (or by staff with a ticket where
        // the operator allows it), bounded to 7 days, revocable at once.
        "CREATE TABLE support_grants ("
        "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        "  tenant_id bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,"
        "  access text NOT NULL CHECK (access IN ('read', 'write')),"
        "  models text NOT NULL,"
        "  staff_id bigint REFERENCES staff_accounts (id),"
        "  opened_by text NOT NULL,"
        "  ticket text NOT NULL DEFAULT '' CHECK (length(ticket) <= 64),"
        "  created_at timestamptz NOT NULL DEFAULT now(),"
        "  expires_at timestamptz NOT NULL,"
        "  revoked_at timestamptz,"
        "  revoked_by text,"
        "  CHECK (expires_at > created_at AND expires_at <= created_at + interval '7 days'))",
        "CREATE INDEX support_grants_tenant ON support_grants (tenant_id, expires_at)",
        // Staff sessions inside one tenant under one grant
        // (platform/support_sessions.hpp); only the token's SHA-256 is kept.
        "CREATE TABLE staff_sessions ("
        "  token_hash text PRIMARY KEY,"
        "  staff_id bigint NOT NULL REFERENCES staff_accounts (id),"
        "  tenant_id bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,"
        "  grant_id bigint NOT NULL REFERENCES support_grants (id) ON DELETE CASCADE,"
        "  uid bigint NOT NULL,"
        "  created_at timestamptz NOT NULL DEFAULT now(),"
        "  expires_at timestamptz NOT NULL,"
        "  ended_at timestamptz)",
        "CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id)",
        // The support audit (platform/support_audit_log.hpp): one hash chain
        // per tenant. No foreign key: the log outlives its tenant's row.
        // Append-only here too: updates, deletes and truncation raise.
        "CREATE TABLE support_audit ("
        "  tenant_id bigint NOT NULL,"
        "  seq bigint NOT NULL CHECK (seq >= 1),"
        "  at text NOT NULL,"
        "  staff text NOT NULL,"
        "  action text NOT NULL,"
        "  details text NOT NULL,"
        "  prev_hash text NOT NULL,"
        "  hash text NOT NULL,"
        "  PRIMARY KEY (tenant_id, seq))",
        "CREATE FUNCTION support_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN RAISE EXCEPTION 'support_audit is append-only'; END$$",
        "CREATE TRIGGER support_audit_no_change BEFORE UPDATE OR DELETE ON support_audit "
        "FOR EACH ROW EXECUTE FUNCTION support_audit_append_only()",
        "CREATE TRIGGER support_audit_no_truncate BEFORE TRUNCATE ON support_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION support_audit_append_only()"}},
      {10,
       {// Each tenant's plan, which picks the retention of its backups
        // (backup/retention_plans.hpp, `citadel tenant set-plan`); '' is
        // the default policy. Named like the configuration's
        // [backup.plan.NAME].
        "ALTER TABLE tenants ADD COLUMN plan text NOT NULL DEFAULT '' "
        "CHECK (plan ~ '^([a-z0-9_-]{1,40})?$')"}},
      {11,
       {// When a staff session last made a call: past the idle timeout
        // (platform/support_sessions.hpp) it is refused, within its 8 hours.
        "ALTER TABLE staff_sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now()"}},
  };
  return migrations;
}

}  // namespace

core::Result<void> EnsureCatalogDatabase(db::Connection& maintenance) {
  auto exists = maintenance.Execute("SELECT 1 FROM pg_database WHERE datname = $1",
                                    kCatalogDatabase);
  if (!exists) return core::Unexpected(exists.error());
  if (exists->empty()) {
    auto created = maintenance.Execute("CREATE DATABASE citadel_catalog");
    if (!created && db::SqlStateOf(created.error()) != db::sqlstate::kDuplicateDatabase) {
      return core::Unexpected(created.error());
    }
  }
  auto revoked = maintenance.Execute("REVOKE CONNECT, TEMPORARY ON DATABASE citadel_catalog FROM PUBLIC");
  if (!revoked) return core::Unexpected(revoked.error());
  return {};
}

core::Result<int> MigrateCatalog(db::Connection& catalog) {
  if (auto r = catalog.Execute("REVOKE ALL ON SCHEMA public FROM PUBLIC"); !r) {
    return core::Unexpected(r.error());
  }
  auto made = catalog.Execute(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      "  version integer PRIMARY KEY,"
      "  applied_at timestamptz NOT NULL DEFAULT now())");
  if (!made) return core::Unexpected(made.error());
  auto current = catalog.Execute("SELECT coalesce(max(version), 0) AS v FROM schema_version");
  if (!current) return core::Unexpected(current.error());
  int version = std::stoi(current->Text(0, "v", "0"));
  for (const Migration& m : Migrations()) {
    if (m.version <= version) continue;
    if (auto r = catalog.Execute("BEGIN"); !r) return core::Unexpected(r.error());
    core::Result<db::QueryResult> step = db::QueryResult();
    for (db::SqlText sql : m.statements) {
      step = catalog.Execute(sql);
      if (!step) break;
    }
    if (step) step = catalog.Execute("INSERT INTO schema_version (version) VALUES ($1)", m.version);
    if (!step) {
      (void)catalog.Execute("ROLLBACK");
      return core::Unexpected(step.error());
    }
    if (auto r = catalog.Execute("COMMIT"); !r) return core::Unexpected(r.error());
    version = m.version;
  }
  return version;
}

}  // namespace citadel::platform
