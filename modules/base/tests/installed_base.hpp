// Test-only: a database with base and contacts installed by the real
// installer (orm/module_installer.hpp), made once per test binary and shared
// by its tests. Tests that change data run inside a transaction they roll
// back (Rollback guard), so each sees the database as installed; tests that
// must commit (concurrency) use names no other test uses.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>

#include "db/connection.hpp"
#include "modules/base/base_module.hpp"
#include "modules/contacts/contacts_module.hpp"
#include "orm/environment.hpp"
#include "orm/module_installer.hpp"
#include "orm/record_set.hpp"
#include "orm/schema_pgtest_support.hpp"

namespace citadel::modules::testing {

// The installation's admin (base.user_admin), whom tests act as.
inline constexpr std::int64_t kAdmin = 2;

inline orm::ModuleSet BaseAndContacts() {
  orm::ModuleSet set;
  set.Add(BaseModule());
  set.Add(ContactsModule());
  return set;
}

// The registry and database name of the shared installation.
struct Installed {
  std::shared_ptr<const orm::Registry> registry;
  std::string database;
};

inline const Installed& InstalledBaseAndContacts() {
  const std::string database = "modules_base_installed";
  static Installed installed = [&database] {
    db::Connection connection = orm::schema_testing::FreshDatabase(database);
    const orm::ModuleSet modules = BaseAndContacts();
    auto registry = modules.BuildRegistry();
    if (!registry) throw std::runtime_error(registry.error().message);
    orm::InstallOptions options;
    options.registry = *registry;
    auto report = orm::InstallModules(connection, modules, options);
    if (!report) throw std::runtime_error("install: " + report.error().message);
    return Installed{*registry, database};
  }();
  return installed;
}

inline db::Connection Connect(const Installed& installed) {
  return orm::schema_testing::Connect(installed.database);
}

// BEGIN now, ROLLBACK when it goes out of scope.
class Rollback {
 public:
  explicit Rollback(db::Connection& connection) : connection_(connection) {
    if (!connection_.Execute("BEGIN")) throw std::runtime_error("BEGIN failed");
  }
  ~Rollback() { (void)connection_.Execute("ROLLBACK"); }
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;

 private:
  db::Connection& connection_;
};

// A test's own transaction on the shared installation, as its admin (uid 2),
// rolled back at the end.
class AdminTransaction {
 public:
  AdminTransaction()
      : installed_(InstalledBaseAndContacts()),
        connection_(Connect(installed_)),
        rollback_(connection_),
        env_(installed_.registry, connection_, kAdmin) {}
  db::Connection& connection() { return connection_; }
  const orm::Environment& env() const { return env_; }
  orm::RecordSet Of(const char* model) const { return orm::RecordSet::Of(env_, model); }

 private:
  const Installed& installed_;
  db::Connection connection_;
  Rollback rollback_;
  orm::Environment env_;
};

// The id of an external id ("base.main_company"), or 0.
inline std::int64_t Ref(db::Connection& connection, const std::string& xml_id) {
  const auto dot = xml_id.find('.');
  auto r = connection.Execute("SELECT res_id FROM ir_model_data WHERE module = $1 AND name = $2",
                              xml_id.substr(0, dot), xml_id.substr(dot + 1));
  if (!r) throw std::runtime_error(r.error().message);
  return r->empty() ? 0 : std::stoll(r->Text(0, "res_id"));
}

// Makes the shared installation look like base `old_version` (inside the
// caller's transaction: `downgrade`, then the recorded version), upgrades it
// with the real installer and returns the installer's description
// ("base <old> -> <current>, ..."); throws when a step fails.
inline std::string UpgradeBaseFrom(db::Connection& connection, const Installed& installed,
                                   const std::string& old_version, std::initializer_list<db::SqlText> downgrade) {
  for (const db::SqlText& sql : downgrade) {
    if (auto r = connection.Execute(sql); !r) {
      throw std::runtime_error(std::string(sql.view()) + ": " + r.error().message);
    }
  }
  if (auto r = connection.Execute("UPDATE ir_module_module SET latest_version = $1 WHERE name = 'base'", old_version);
      !r) {
    throw std::runtime_error(r.error().message);
  }
  orm::InstallOptions options;
  options.registry = installed.registry;
  auto report = orm::InstallModules(connection, BaseAndContacts(), options);
  if (!report) throw std::runtime_error("upgrade: " + report.error().message);
  return orm::DescribeInstall(*report);
}

inline std::string Scalar(db::Connection& connection, db::SqlText sql) {
  auto r = connection.Execute(sql);
  if (!r) throw std::runtime_error(r.error().message);
  return r->empty() ? "" : r->Text(0, r->ColumnName(0));
}

}  // namespace citadel::modules::testing
