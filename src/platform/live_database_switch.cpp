#include "platform/live_database_switch.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

#include "db/error.hpp"
#include "db/identifier.hpp"
#include "db/utility_statement.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;

core::Result<void> RunSwitchUtility(db::Connection& connection, db::UtilityStatementBuilder& builder) {
  auto statement = builder.Build();
  if (!statement) return core::Unexpected(statement.error());
  auto ran = connection.ExecuteUtility(*statement);
  if (!ran) return core::Unexpected(ran.error());
  return {};
}

core::Result<bool> SwitchDatabaseExists(db::Connection& maintenance, const std::string& name) {
  auto rows = maintenance.Execute("SELECT 1 FROM pg_database WHERE datname = $1", name);
  if (!rows) return core::Unexpected(rows.error());
  return !rows->empty();
}

core::Result<void> DropSwitchDatabase(db::Connection& maintenance, const std::string& name) {
  auto id = db::Identifier::Make(name);
  if (!id) return core::Unexpected(id.error());
  db::UtilityStatementBuilder drop(maintenance);
  drop.Sql("DROP DATABASE IF EXISTS ").Name(*id).Sql(" WITH (FORCE)");
  return RunSwitchUtility(maintenance, drop);
}

bool SwitchPathExists(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::exists(path, ec);
}

core::Result<void> RenameSwitchPath(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot rename " + from + " to " + to + ": " + ec.message());
  return {};
}

core::Result<void> RemoveSwitchPath(const std::string& path) {
  std::error_code ec;
  if (!path.empty()) std::filesystem::remove_all(path, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot remove " + path + ": " + ec.message());
  return {};
}

}  // namespace

LiveSwitchNames LiveSwitchNames::For(const TenantRecord& tenant, const std::string& file_store_root) {
  LiveSwitchNames names;
  names.database = tenant.db_name;
  names.role = tenant.role_name;
  names.scratch = tenant.db_name + "_restoring";
  names.retired = tenant.db_name + "_retired";
  if (!file_store_root.empty()) {
    names.live_dir = file_store_root + "/" + tenant.db_name;
    names.scratch_dir = names.live_dir + ".restoring";
    names.retired_dir = names.live_dir + ".retired";
  }
  return names;
}

core::Result<void> CreateScratchDatabase(TenantService& tenants, db::Connection& maintenance,
                                         const LiveSwitchNames& names) {
  auto scratch = db::Identifier::Make(names.scratch);
  if (!scratch) return core::Unexpected(scratch.error());
  auto role = db::Identifier::Make(names.role);
  if (!role) return core::Unexpected(role.error());
  {
    db::UtilityStatementBuilder create(maintenance);
    create.Sql("CREATE DATABASE ").Name(*scratch).Sql(" TEMPLATE template0 ENCODING 'UTF8' OWNER ").Name(*role);
    if (auto made = RunSwitchUtility(maintenance, create); !made) return made;
  }
  {
    db::UtilityStatementBuilder revoke(maintenance);
    revoke.Sql("REVOKE CONNECT, TEMPORARY ON DATABASE ").Name(*scratch).Sql(" FROM PUBLIC");
    if (auto done = RunSwitchUtility(maintenance, revoke); !done) return done;
    db::UtilityStatementBuilder grant(maintenance);
    grant.Sql("GRANT CONNECT, TEMPORARY ON DATABASE ").Name(*scratch).Sql(" TO ").Name(*role);
    if (auto done = RunSwitchUtility(maintenance, grant); !done) return done;
  }
  // As tenant provisioning does for an empty database: the role is
  // NOINHERIT, so it owns the public schema itself.
  auto inside = db::Connection::Open(tenants.ProvisioningDsn(names.scratch));
  if (!inside) return core::Unexpected(inside.error());
  db::UtilityStatementBuilder owner(*inside);
  owner.Sql("ALTER SCHEMA public OWNER TO ").Name(*role);
  if (auto done = RunSwitchUtility(*inside, owner); !done) return done;
  if (auto revoked = inside->Execute("REVOKE ALL ON SCHEMA public FROM PUBLIC"); !revoked) {
    return core::Unexpected(revoked.error());
  }
  if (!names.scratch_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(names.scratch_dir, ec);
    if (ec) return Fail(ErrorCode::kIo, "cannot create " + names.scratch_dir + ": " + ec.message());
  }
  return {};
}

core::Result<void> RenewSecurityEpoch(const std::string& dsn) {
  auto connection = db::Connection::Open(dsn);
  if (!connection) return core::Unexpected(connection.error());
  // The same fixed statement as tenant provisioning and restore beside.
  auto renewed = connection->Execute(
      "DO $$ BEGIN IF to_regclass('citadel_security_signal') IS NOT NULL THEN UPDATE "
      "citadel_security_signal SET epoch = gen_random_uuid(), version = version + 1; END IF; END $$");
  if (!renewed) return core::Unexpected(renewed.error());
  return {};
}

core::Result<void> SwapFileStores(const LiveSwitchNames& names) {
  if (names.live_dir.empty()) return {};
  std::error_code ec;
  // A tenant that never stored a file may have no directory yet.
  std::filesystem::create_directories(names.live_dir, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create " + names.live_dir + ": " + ec.message());
  if (auto moved = RenameSwitchPath(names.live_dir, names.retired_dir); !moved) return moved;
  if (auto moved = RenameSwitchPath(names.scratch_dir, names.live_dir); !moved) {
    (void)RenameSwitchPath(names.retired_dir, names.live_dir);
    return moved;
  }
  return {};
}

core::Result<void> RenameIntoPlace(db::Connection& maintenance, const LiveSwitchNames& names, int attempts) {
  auto live = db::Identifier::Make(names.database);
  auto scratch = db::Identifier::Make(names.scratch);
  auto retired = db::Identifier::Make(names.retired);
  if (!live || !scratch || !retired) return Fail(ErrorCode::kInvalidArgument, "bad database name for the switch");
  core::Error last{ErrorCode::kUnavailable, "no attempt made"};
  for (int attempt = 0; attempt < std::max(1, attempts); ++attempt) {
    // Waits up to 5 s for each backend to be gone (PostgreSQL 14+).
    auto ended = maintenance.Execute(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        "WHERE datname IN ($1, $2) AND pid <> pg_backend_pid()",
        names.database, names.scratch);
    if (!ended) return core::Unexpected(ended.error());
    auto renamed = [&]() -> core::Result<void> {
      if (auto begun = maintenance.Execute("BEGIN"); !begun) return core::Unexpected(begun.error());
      db::UtilityStatementBuilder away(maintenance);
      away.Sql("ALTER DATABASE ").Name(*live).Sql(" RENAME TO ").Name(*retired);
      if (auto done = RunSwitchUtility(maintenance, away); !done) return done;
      db::UtilityStatementBuilder in(maintenance);
      in.Sql("ALTER DATABASE ").Name(*scratch).Sql(" RENAME TO ").Name(*live);
      if (auto done = RunSwitchUtility(maintenance, in); !done) return done;
      if (auto committed = maintenance.Execute("COMMIT"); !committed) return core::Unexpected(committed.error());
      return {};
    }();
    if (renamed) return {};
    (void)maintenance.Execute("ROLLBACK");
    last = renamed.error();
    if (db::SqlStateOf(last) != db::sqlstate::kObjectInUse) return core::Unexpected(last);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Fail(ErrorCode::kUnavailable, "sessions kept reconnecting to the tenant's database: " + last.message);
}

core::Result<std::int64_t> ActivateAfterSwitch(db::Connection& catalog, std::int64_t tenant_id) {
  if (auto begun = catalog.Execute("BEGIN"); !begun) return core::Unexpected(begun.error());
  // Sessions signed in to the old data do not carry over to the restored
  // data: every user of the tenant signs in again.
  auto ended = catalog.Execute("DELETE FROM web_sessions WHERE tenant_id = $1", tenant_id);
  auto active = ended ? catalog.Execute("UPDATE tenants SET state = 'active' WHERE id = $1 AND state IN "
                                        "('active', 'restoring')",
                                        tenant_id)
                      : core::Result<db::QueryResult>(core::Unexpected(ended.error()));
  if (!active) {
    (void)catalog.Execute("ROLLBACK");
    return core::Unexpected(active.error());
  }
  if (auto committed = catalog.Execute("COMMIT"); !committed) return core::Unexpected(committed.error());
  return ended->affected_rows();
}

core::Result<void> DropRetired(db::Connection& maintenance, const LiveSwitchNames& names) {
  // Files first: while the retired database exists, a repair knows the
  // switch had committed, whatever is left of the retired files.
  if (auto removed = RemoveSwitchPath(names.retired_dir); !removed) return removed;
  return DropSwitchDatabase(maintenance, names.retired);
}

core::Result<std::string> RepairLiveSwitch(db::Connection& maintenance, db::Connection& catalog,
                                           const TenantRecord& tenant, const LiveSwitchNames& names) {
  auto retired = SwitchDatabaseExists(maintenance, names.retired);
  if (!retired) return core::Unexpected(retired.error());
  auto scratch = SwitchDatabaseExists(maintenance, names.scratch);
  if (!scratch) return core::Unexpected(scratch.error());
  bool files_moved = SwitchPathExists(names.retired_dir) || SwitchPathExists(names.scratch_dir);
  if (!*retired && !*scratch && !files_moved && tenant.state == "active") return std::string();

  std::string done;
  if (*retired) {
    // The rename had committed: the live name holds the restored data, and
    // the file stores were swapped before it. Finish.
    auto activated = ActivateAfterSwitch(catalog, tenant.id);
    if (!activated) return core::Unexpected(activated.error());
    if (auto dropped = DropRetired(maintenance, names); !dropped) return core::Unexpected(dropped.error());
    done = "finished an interrupted switch to a restored database";
  } else {
    // The rename never committed: the live database is the original one.
    // Its files come back if they had been moved aside.
    if (SwitchPathExists(names.retired_dir)) {
      if (SwitchPathExists(names.live_dir)) {
        if (auto removed = RemoveSwitchPath(names.live_dir); !removed) return core::Unexpected(removed.error());
      }
      if (auto back = RenameSwitchPath(names.retired_dir, names.live_dir); !back) return core::Unexpected(back.error());
    }
    if (auto dropped = DropSwitchDatabase(maintenance, names.scratch); !dropped) return core::Unexpected(dropped.error());
    if (auto removed = RemoveSwitchPath(names.scratch_dir); !removed) return core::Unexpected(removed.error());
    if (tenant.state == "restoring") {
      auto active = catalog.Execute("UPDATE tenants SET state = 'active' WHERE id = $1 AND state = 'restoring'",
                                    tenant.id);
      if (!active) return core::Unexpected(active.error());
    }
    done = "undid an interrupted restore (the live database was never replaced)";
  }
  return done;
}

}  // namespace citadel::platform
