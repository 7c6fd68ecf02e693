// citadel.backup: the tenant's own backups, for its administrators (docs/api.md).
//
//   list_backups()                      -> [{id, kind, state, time, size, sites, verified, verified_at, error}]
//   create_backup()                     -> "20261203t065823z-62ece2" (queued; listed as running)
//   restore_onto_live(backup_id)        -> true (queued: a safety backup, then the switch)
//   restore_beside(backup_id, name)     -> refused unless the platform allows it
//   download_link(backup_id)            -> {url, token, expires, size}
//
// A model without a table (Odoo's _auto = False, as res.users.apikeys): the
// backups live in the platform's catalog and on its sites, reached through
// the Environment's TenantBackups (orm/tenant_backups.hpp), which is bound
// to the call's tenant. init_sql makes an empty view, so that the ORM's own
// methods (search_read, fields_get) answer with nothing rather than fail.
//
// Every method passes AccessGuard first — ir.model.access, the ORM's one
// enforcement point: reading (list, download) and writing (create, restore)
// citadel.backup are granted to group_system only (security/access.csv);
// ORM create and unlink to nobody.
#include <string>

#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"
#include "orm/access_guard.hpp"
#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/record_set.hpp"
#include "orm/tenant_backups.hpp"

namespace citadel::modules::base {
namespace {

constexpr std::size_t kMaxBackupIdChars = 64;
constexpr std::size_t kMaxTenantNameChars = 64;

orm::TenantBackups& BackupsOf(const orm::RecordSet& records, orm::Operation operation) {
  orm::AccessGuard::CheckModel(records.env(), records.model(), operation);
  orm::TenantBackups* backups = records.env().tenant_backups();
  if (backups == nullptr) throw orm::UserError("Backups are not available on this server.");
  return *backups;
}

// The platform's refusal as the client's error; its messages are safe to show.
[[noreturn]] void Throw(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::kNotFound:
      throw orm::MissingError(error.message);
    case core::ErrorCode::kPermissionDenied:
      throw orm::AccessError(error.message);
    default:
      throw orm::UserError(error.message);
  }
}

// The positional or keyword argument `name` (the i-th), a bounded string.
std::string TextArgument(const char* method, const orm::Value& args, const orm::Value& kwargs, std::size_t index,
                         const char* name, std::size_t max_chars) {
  const orm::Value* value = nullptr;
  if (args.is_array() && args.size() > index) value = &args[index];
  if (kwargs.is_object()) {
    for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
      if (it.key() == name) {
        if (value != nullptr) {
          throw orm::ArgumentError(std::string(method) + "() got multiple values for argument '" + name + "'");
        }
        value = &it.value();
      }
    }
  }
  if (value == nullptr) {
    throw orm::ArgumentError(std::string(method) + "() missing 1 required positional argument: '" + name + "'");
  }
  if (!value->is_string() || value->get_ref<const std::string&>().empty() ||
      value->get_ref<const std::string&>().size() > max_chars) {
    throw orm::ValidationError(std::string("Invalid ") + name + ".");
  }
  return value->get<std::string>();
}

// No arguments beyond those named: Python's TypeError for anything more.
void TakesAtMost(const char* method, const orm::Value& args, const orm::Value& kwargs,
                 std::initializer_list<const char*> names) {
  if (args.is_array() && args.size() > names.size()) {
    throw orm::ArgumentError(std::string(method) + "() takes " + std::to_string(names.size() + 1) +
                             " positional arguments but " + std::to_string(args.size() + 1) + " were given");
  }
  if (!kwargs.is_object()) return;
  for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
    bool known = false;
    for (const char* name : names) known = known || it.key() == name;
    if (!known) {
      throw orm::ArgumentError(std::string(method) + "() got an unexpected keyword argument '" + it.key() + "'");
    }
  }
}

orm::Value ListBackups(const orm::RecordSet& records, const orm::Value& args, const orm::Value& kwargs) {
  TakesAtMost("list_backups", args, kwargs, {});
  auto listed = BackupsOf(records, orm::Operation::kRead).List();
  if (!listed) Throw(listed.error());
  orm::Value rows = orm::Value::array();
  for (const auto& backup : *listed) {
    orm::Value sites = orm::Value::array();
    for (const auto& site : backup.sites) sites.push_back(site);
    rows.push_back({
        {"id", backup.id},
        {"kind", backup.kind},
        {"state", backup.state},
        {"time", backup.started_at},
        {"size", backup.size ? orm::Value(*backup.size) : orm::Value(false)},
        {"sites", std::move(sites)},
        {"verified", backup.verified_at.has_value()},
        {"verified_at", backup.verified_at ? orm::Value(*backup.verified_at) : orm::Value(false)},
        {"error", backup.error.empty() ? orm::Value(false) : orm::Value(backup.error)},
    });
  }
  return rows;
}

orm::Value CreateBackup(const orm::RecordSet& records, const orm::Value& args, const orm::Value& kwargs) {
  TakesAtMost("create_backup", args, kwargs, {});
  auto created = BackupsOf(records, orm::Operation::kWrite).CreateNow(records.env().uid());
  if (!created) Throw(created.error());
  return *created;
}

orm::Value RestoreOntoLive(const orm::RecordSet& records, const orm::Value& args, const orm::Value& kwargs) {
  TakesAtMost("restore_onto_live", args, kwargs, {"backup_id"});
  const std::string id = TextArgument("restore_onto_live", args, kwargs, 0, "backup_id", kMaxBackupIdChars);
  auto queued = BackupsOf(records, orm::Operation::kWrite).RestoreOntoLive(id, records.env().uid());
  if (!queued) Throw(queued.error());
  return true;
}

orm::Value RestoreBeside(const orm::RecordSet& records, const orm::Value& args, const orm::Value& kwargs) {
  TakesAtMost("restore_beside", args, kwargs, {"backup_id", "name"});
  const std::string id = TextArgument("restore_beside", args, kwargs, 0, "backup_id", kMaxBackupIdChars);
  const std::string name = TextArgument("restore_beside", args, kwargs, 1, "name", kMaxTenantNameChars);
  auto restored = BackupsOf(records, orm::Operation::kWrite).RestoreBeside(id, name, records.env().uid());
  if (!restored) Throw(restored.error());
  return *restored;
}

orm::Value DownloadLink(const orm::RecordSet& records, const orm::Value& args, const orm::Value& kwargs) {
  TakesAtMost("download_link", args, kwargs, {"backup_id"});
  const std::string id = TextArgument("download_link", args, kwargs, 0, "backup_id", kMaxBackupIdChars);
  auto link = BackupsOf(records, orm::Operation::kRead).DownloadLink(id, records.env().uid());
  if (!link) Throw(link.error());
  return {{"url", link->url}, {"token", link->token}, {"expires", link->expires_unix}, {"size", link->size}};
}

}  // namespace

orm::ModelDef CitadelBackupDef() {
  orm::ModelDef def = fields::Model("citadel.backup", "Backups of this database");
  def.auto_table = false;
  def.log_access = false;
  // An empty view: the ORM's search and read find nothing (fixed text).
  def.init_sql = {"CREATE OR REPLACE VIEW citadel_backup AS SELECT NULL::integer AS id WHERE false"};
  const std::pair<const char*, orm::ModelMethod> methods[] = {
      {"list_backups", ListBackups},      {"create_backup", CreateBackup},
      {"restore_onto_live", RestoreOntoLive}, {"restore_beside", RestoreBeside},
      {"download_link", DownloadLink},
  };
  for (const auto& [name, method] : methods) {
    def.methods[name] = method;
    def.exposed_methods.insert(name);
    def.model_methods.insert(name);
  }
  return def;
}

}  // namespace citadel::modules::base
