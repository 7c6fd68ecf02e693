// Installs and upgrades a set of modules in one database (a tenant, or the
// template tenants are cloned from): schema, metadata and data, in ONE
// transaction, so a failure leaves the database as it was.
//
//   ModuleSet modules = ...;                          // base, contacts, ...
//   auto report = InstallModules(connection, modules, {});
//   for (auto& m : report->modules) ...               // versions, records created/updated
//
// What a run does, in order (Odoo 18's load_modules, reduced):
//   1. SchemaSync of the whole registry (never drops a column holding data),
//      except the foreign keys of the log-access columns (create_uid,
//      write_uid), which wait until step 3: the superuser that creates the
//      first rows is itself one of them (Odoo's base_data.sql does the same);
//      then stored computes whose column it added to a table with rows are
//      computed for those rows (install_recompute.hpp);
//   2. per module, in load order, unless the database already has it at this
//      version (then nothing of it is loaded: the run is a no-op):
//        ir.module.module row; ir.model and ir.model.fields rows with their
//        external ids (ir_metadata_writer.hpp); the module's generated data;
//        its `data` files in manifest order; its `demo` files if asked; the
//        field groups (install_data_files.hpp, install_record_loader.hpp);
//   3. the remaining schema (those foreign keys), planned again, so steps
//      the data refused in step 1 are tried once more.
// A schema step the data refuses (a unique constraint over duplicates, NOT
// NULL over NULLs) does not fail the run, as in Odoo: it is rolled back to
// its savepoint and reported (InstallReport::schema.not_applied and a
// "not applied: ..." warning); the caller must show it (citadel tenant
// upgrade reports such a tenant INCOMPLETE and exits 3).
// Records are created and updated through RecordSet in a Sudo environment of
// `uid` (Odoo's superuser, 1), so defaults, computes and hooks apply. On an
// upgrade, noupdate records are left as they are; other records get the
// file's values (only fields that differ are written).
//
// The transaction: the caller's if the connection is inside one (a
// savepoint then keeps the caller's transaction usable after a failure),
// else its own (BEGIN ... COMMIT). Runs hold the schema sync's advisory
// lock, so two servers upgrading one database run one after the other.
//
// Errors name the module, the file and the record ("module contacts,
// contacts/data/tags.toml record contacts.tag_vip: unknown external id
// base.nope"). Borrows the connection for the call; one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "orm/module_set.hpp"
#include "orm/registry.hpp"
#include "orm/schema_apply.hpp"

namespace citadel::orm {

struct InstallOptions {
  bool demo = false;       // load the modules' demo files too
  std::int64_t uid = 1;    // who creates the records: Odoo's superuser (base.user_root)
  // The modules' registry, if the caller has built it; else built here.
  std::shared_ptr<const Registry> registry;
};

struct ModuleInstallReport {
  std::string name;
  std::string version_before;  // empty: not installed before
  std::string version_after;
  bool skipped = false;        // already at this version: nothing was loaded
  int created = 0;             // data records (metadata rows are not counted)
  int updated = 0;
  int unchanged = 0;
  int kept = 0;                // noupdate records an upgrade left alone
};

struct InstallReport {
  std::vector<ModuleInstallReport> modules;
  // The schema as the run leaves it: every change applied, and the warnings
  // and steps not applied of the final pass (SchemaSyncReport::complete()).
  SchemaSyncReport schema;
  // Stored computes new to tables with rows, computed for those rows:
  // "x.tag name_length on 2504 records" (install_recompute.hpp).
  std::vector<std::string> computed;
  // Anything loaded or any schema change.
  bool changed() const;
};

core::Result<InstallReport> InstallModules(db::Connection& connection, const ModuleSet& modules,
                                           const InstallOptions& options = {});

// name -> latest_version of the modules installed in the database; empty
// when it has no ir_module_module table yet.
core::Result<std::map<std::string, std::string>> InstalledModuleVersions(db::Connection& connection);

// name -> manifest version of every module of the set.
std::map<std::string, std::string> ModuleVersions(const ModuleSet& modules);

// "base 18.0.1.0 -> 18.0.1.1, 2 records created, 1 updated; contacts new
// 18.0.1.0, 5 records created; computed res.partner x on 12 records", or
// "schema: 1 change applied" when only the schema changed, "no change
// applied" when a step the data refused is all there was, or "already up to
// date". Warnings are not in it: they are report.schema.warnings, for the
// caller to print one per line.
std::string DescribeInstall(const InstallReport& report);

}  // namespace citadel::orm
