#include "orm/module_installer.hpp"

#include <exception>
#include <set>
#include <utility>

#include "orm/environment.hpp"
#include "orm/install_data_files.hpp"
#include "orm/install_recompute.hpp"
#include "orm/install_record_loader.hpp"
#include "orm/install_xml_ids.hpp"
#include "orm/ir_metadata_writer.hpp"
#include "orm/record_set.hpp"
#include "orm/schema_sync.hpp"
#include "orm/transaction_runner.hpp"

namespace citadel::orm {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr const char* kMetadataModels[] = {"ir.model", "ir.model.fields", "ir.model.data",
                                           "ir.module.module"};

// A failure while loading, already described with where it happened.
struct LoadFailure {
  core::Error error;
};

template <class T>
core::Result<void> Ok(const core::Result<T>& r) {
  if (!r) return core::Unexpected(r.error());
  return {};
}

bool IsLogAccessForeignKey(const PlannedChange& change) {
  const auto* fk = std::get_if<AddForeignKey>(&change.change);
  return fk != nullptr && (fk->column == "create_uid" || fk->column == "write_uid");
}

// Step 1: everything but the log-access foreign keys.
core::Result<SchemaSyncReport> SyncSchemaFirstPass(db::Connection& connection, const SchemaSync& sync) {
  auto plan = sync.Preview(connection);
  if (!plan) return core::Unexpected(plan.error());
  SchemaPlan first;
  first.warnings = plan->warnings;
  first.declaration_warnings = plan->declaration_warnings;
  first.fields_to_compute = plan->fields_to_compute;
  for (auto& change : plan->changes) {
    if (!IsLogAccessForeignKey(change)) first.changes.push_back(std::move(change));
  }
  return ApplySchemaPlan(connection, first);
}

class ModuleLoader {
 public:
  ModuleLoader(const Environment& env, const Registry& registry, XmlIdIndex& ids)
      : env_(env), registry_(registry), ids_(ids) {}

  void Load(const Module& module, bool upgrading, bool demo, ModuleInstallReport& report) {
    const std::string& name = module.manifest.name;
    std::set<std::string> loaded;
    LoadState state{ids_, upgrading, loaded};
    const std::string metadata = name + " metadata";
    One(state, ModuleRecord(module.manifest), name, metadata, nullptr);
    for (const auto& record : ModelRecords(registry_, name)) One(state, record, name, metadata, nullptr);
    for (const auto& record : ExtendedModelRecords(registry_, name)) One(state, record, name, metadata, nullptr);
    for (const auto& [alias, target] : ExtendedModelXmlIds(registry_, name)) {
      Guard(name, metadata, alias, [&] {
        ids_.Put(env_, alias, "ir.model", ids_.Resolve(target, "ir.model"), false);
      });
    }
    for (const auto& record : FieldRecords(registry_, name)) One(state, record, name, metadata, nullptr);
    if (module.generated_data) {
      auto generated = module.generated_data();
      if (!generated) {
        throw LoadFailure{{generated.error().code, "module " + name + ", generated data: " + generated.error().message}};
      }
      for (auto& record : *generated) One(state, record, name, name + " generated data", &report);
    }
    std::vector<std::string> files = module.manifest.data;
    if (demo) files.insert(files.end(), module.manifest.demo.begin(), module.manifest.demo.end());
    for (const auto& path : files) {
      auto records = DataFileRecords(module, path, registry_);
      if (!records) {
        throw LoadFailure{{records.error().code, "module " + name + ", " + records.error().message}};
      }
      for (const auto& record : *records) One(state, record, name, name + "/" + path, &report);
    }
    for (const auto& record : FieldGroupRecords(registry_, name)) One(state, record, name, metadata, nullptr);
  }

 private:
  void One(LoadState& state, DataRecord record, const std::string& module, const std::string& source,
           ModuleInstallReport* report) {
    record.xml_id = QualifyXmlId(record.xml_id, module);
    LoadOutcome outcome = LoadOutcome::kUnchanged;
    Guard(module, source, record.xml_id, [&] { outcome = LoadRecord(env_, state, record); });
    if (report == nullptr) return;
    switch (outcome) {
      case LoadOutcome::kCreated: ++report->created; break;
      case LoadOutcome::kUpdated: ++report->updated; break;
      case LoadOutcome::kUnchanged: ++report->unchanged; break;
      case LoadOutcome::kKept: ++report->kept; break;
    }
  }

  // Runs `body`, turning any exception into a LoadFailure naming the module,
  // the file and the record.
  template <class F>
  void Guard(const std::string& module, const std::string& source, const std::string& xml_id, F&& body) {
    const std::string where = "module " + module + ", " + source + " record " + xml_id + ": ";
    try {
      body();
    } catch (const DatabaseError& e) {
      auto friendly = IntegrityErrorMessage(e.error(), registry_);
      throw LoadFailure{{ErrorCode::kInvalidArgument, where + friendly.value_or(e.what())}};
    } catch (const LoadFailure&) {
      throw;
    } catch (const std::exception& e) {
      throw LoadFailure{{ErrorCode::kInvalidArgument, where + e.what()}};
    }
  }

  const Environment& env_;
  const Registry& registry_;
  XmlIdIndex& ids_;
};

core::Result<InstallReport> Install(db::Connection& connection, const ModuleSet& modules,
                                    const InstallOptions& options) {
  std::shared_ptr<const Registry> registry = options.registry;
  if (!registry) {
    auto built = modules.BuildRegistry();
    if (!built) return core::Unexpected(built.error());
    registry = std::move(*built);
  }
  for (const char* model : kMetadataModels) {
    if (registry->FindModel(model) == nullptr) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string("cannot install modules without ") + model + " (the base module declares it)");
    }
  }
  auto order = modules.LoadOrder();
  if (!order) return core::Unexpected(order.error());
  auto sync = SchemaSync::Create(registry);
  if (!sync) return core::Unexpected(sync.error());
  // The schema sync's own lock: installs and syncs of this database queue.
  if (auto r = Ok(connection.Execute("SELECT pg_advisory_xact_lock(hashtext($1))", "citadel.schema_sync")); !r) {
    return core::Unexpected(r.error());
  }
  auto before = InstalledModuleVersions(connection);
  if (!before) return core::Unexpected(before.error());

  InstallReport report;
  auto first = SyncSchemaFirstPass(connection, *sync);
  if (!first) return core::Unexpected(first.error());
  report.schema = std::move(*first);

  try {
    const Environment env = Environment(registry, connection, options.uid).Sudo();
    // Before the data, as Odoo's init_models flushes them: the records the
    // files load then find these values as any other stored compute's.
    report.computed = ComputeNewStoredFields(env, report.schema.fields_to_compute);
    XmlIdIndex ids = XmlIdIndex::Load(env);
    ModuleLoader loader(env, *registry, ids);
    for (const Module* module : *order) {
      ModuleInstallReport entry;
      entry.name = module->manifest.name;
      entry.version_after = module->manifest.version;
      if (auto it = before->find(entry.name); it != before->end()) entry.version_before = it->second;
      entry.skipped = entry.version_before == entry.version_after;
      if (!entry.skipped) loader.Load(*module, !entry.version_before.empty(), options.demo, entry);
      report.modules.push_back(std::move(entry));
    }
    const Environment all = env.WithContext(Value{{"active_test", false}});
    if (RecordSet::Of(all, "res.users").SearchCount(Value::array({Value::array({"id", "=", options.uid})})) != 1) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the modules' data must create the superuser (res.users " + std::to_string(options.uid) +
                      ", base.user_root) that installs them");
    }
  } catch (const LoadFailure& failure) {
    return core::Unexpected(failure.error);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("module installation: ") + e.what());
  }

  auto second = sync->RunInTransaction(connection);
  if (!second) return core::Unexpected(second.error());
  for (auto& line : second->applied) report.schema.applied.push_back(std::move(line));
  // The second pass plans again from the schema as the run leaves it, so its
  // warnings are the ones that still hold: a step the first pass could not
  // apply was tried again after the data loaded, and a required column the
  // first pass left nullable is now either NOT NULL or a step not applied.
  report.schema.warnings = std::move(second->warnings);
  report.schema.not_applied = std::move(second->not_applied);
  return report;
}

}  // namespace

bool InstallReport::changed() const {
  if (schema.changed()) return true;
  for (const auto& m : modules) {
    if (!m.skipped && (m.version_before != m.version_after || m.created > 0 || m.updated > 0)) return true;
  }
  return false;
}

core::Result<InstallReport> InstallModules(db::Connection& connection, const ModuleSet& modules,
                                           const InstallOptions& options) {
  const bool own = connection.IsReusable();
  if (own) {
    if (auto r = Ok(connection.Execute("BEGIN")); !r) return core::Unexpected(r.error());
  }
  if (auto r = Ok(connection.Execute("SAVEPOINT citadel_install")); !r) {
    if (own) (void)connection.Execute("ROLLBACK");
    return core::Unexpected(r.error());
  }
  auto report = Install(connection, modules, options);
  if (!report) {
    (void)connection.Execute("ROLLBACK TO SAVEPOINT citadel_install");
    (void)connection.Execute("RELEASE SAVEPOINT citadel_install");
    if (own) (void)connection.Execute("ROLLBACK");
    return report;
  }
  if (auto r = Ok(connection.Execute("RELEASE SAVEPOINT citadel_install")); !r) {
    if (own) (void)connection.Execute("ROLLBACK");
    return core::Unexpected(r.error());
  }
  if (own) {
    if (auto r = Ok(connection.Execute("COMMIT")); !r) {
      (void)connection.Execute("ROLLBACK");
      return core::Unexpected(r.error());
    }
  }
  return report;
}

core::Result<std::map<std::string, std::string>> InstalledModuleVersions(db::Connection& connection) {
  std::map<std::string, std::string> versions;
  auto present = connection.Execute("SELECT to_regclass('ir_module_module') IS NOT NULL AS present");
  if (!present) return core::Unexpected(present.error());
  if (present->Text(0, "present") != "t") return versions;
  auto rows = connection.Execute(
      "SELECT name, coalesce(latest_version, '') AS version FROM ir_module_module "
      "WHERE state = 'installed'");
  if (!rows) return core::Unexpected(rows.error());
  for (int row = 0; row < rows->rows(); ++row) versions[rows->Text(row, "name")] = rows->Text(row, "version");
  return versions;
}

std::map<std::string, std::string> ModuleVersions(const ModuleSet& modules) {
  std::map<std::string, std::string> versions;
  for (const auto& module : modules.modules()) versions[module.manifest.name] = module.manifest.version;
  return versions;
}

std::string DescribeInstall(const InstallReport& report) {
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : "; ") + part; };
  for (const auto& m : report.modules) {
    if (m.skipped) continue;
    std::string line = m.name + (m.version_before.empty() ? " new " + m.version_after
                                                          : " " + m.version_before + " -> " + m.version_after);
    line += ", " + std::to_string(m.created) + (m.created == 1 ? " record" : " records") + " created";
    if (m.updated > 0) line += ", " + std::to_string(m.updated) + " updated";
    if (m.kept > 0) line += ", " + std::to_string(m.kept) + " kept (noupdate)";
    add(line);
  }
  for (const auto& line : report.computed) add("computed " + line);
  if (text.empty() && report.schema.changed()) {
    const std::size_t n = report.schema.applied.size();
    add("schema: " + std::to_string(n) + (n == 1 ? " change" : " changes") + " applied");
  }
  if (text.empty() && !report.schema.complete()) return "no change applied";
  return text.empty() ? "already up to date" : text;
}

}  // namespace citadel::orm
