// res.users.apikeys and its wizard res.users.apikeys.description, as Odoo
// 18's res_users.py (APIKeys, APIKeyDescription); keys are made by
// GenerateApiKey (api_keys.hpp).
//
// res.users.apikeys is Odoo's `_auto = False` model: its table is made by
// the fixed statements below (Odoo's init()), with two columns that are no
// fields, `index` and `key` (the hash), so no ORM method, fields_get, domain
// or order can reach them; log access is off (Odoo: _log_access follows
// _auto), create_date is a field of its own with the table's default. The
// fields are readonly and the rights read-only (security/access.csv): rows
// are inserted only by GenerateApiKey and deleted by `remove` (or the
// expired-key vacuum). An ORM create, even in su, cannot insert a row: the
// key columns are NOT NULL and no field can fill them.
//
// The wizard is an ordinary model here (the ORM has no transient models):
// its rows are deleted by make_key, stale ones by
// DeleteStaleApiKeyDescriptions. Odoo's `duration` selection (with the
// expiration computed from it) is left out: clients give expiration_date.
// Odoo's res.users.apikeys.show (the form that shows the new key) is left
// out too: it stores nothing, and the action make_key returns carries the
// key in its context, which is what an API client reads.
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "modules/base/api_keys.hpp"
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/group_membership.hpp"
#include "modules/base/utc_datetime.hpp"
#include "orm/access_guard.hpp"
#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

std::string IdList(const std::vector<std::int64_t>& ids) {
  std::string text;
  for (const std::int64_t id : ids) text += (text.empty() ? "" : ", ") + std::to_string(id);
  return text;
}

// Odoo's methods take only self: Python's TypeError for anything more.
void TakesNoArguments(const char* method, const orm::Value& args, const orm::Value& kwargs) {
  if (args.is_array() && !args.empty()) {
    throw orm::ArgumentError(std::string(method) + "() takes 1 positional argument but " +
                             std::to_string(args.size() + 1) + " were given");
  }
  if (kwargs.is_object() && !kwargs.empty()) {
    throw orm::ArgumentError(std::string(method) + "() got an unexpected keyword argument '" +
                             kwargs.begin().key() + "'");
  }
}

std::optional<std::chrono::sys_seconds> Expiration(const orm::Value& value) {
  if (!value.is_string()) return std::nullopt;  // false: none
  auto parsed = ParseUtcDatetime(value.get_ref<const std::string&>());
  if (!parsed) throw orm::ValidationError("Invalid expiration date.");
  return parsed;
}

// Odoo's APIKeys.remove / _remove: the caller's own keys, or any key for a
// system user; deleted at once. Odoo wraps remove in check_identity (a
// password re-entered lately in the web session); an RPC caller proves its
// password (or key) on every call, so it is not asked again here.
orm::Value Remove(const orm::RecordSet& keys, const orm::Value& args, const orm::Value& kwargs) {
  TakesNoArguments("remove", args, kwargs);
  const orm::Value close = {{"type", "ir.actions.act_window_close"}};
  if (keys.ids().empty()) return close;
  const orm::Environment& env = keys.env();
  // Odoo reads the keys' user_id with the caller's rights: no right to read
  // keys, no removing them.
  orm::AccessGuard::CheckModel(env, keys.model(), orm::Operation::kRead);
  std::string ids = "{" + IdList(keys.ids()) + "}";
  auto owners = env.connection().Execute(
      "SELECT count(*) AS found, count(*) FILTER (WHERE user_id <> $2) AS others "
      "FROM res_users_apikeys WHERE id = ANY($1::int8[])",
      ids, env.uid());
  if (!owners) throw orm::DatabaseError(owners.error());
  std::vector<std::int64_t> distinct = keys.ids();
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (std::stoll(owners->Text(0, "found")) != static_cast<std::int64_t>(distinct.size())) {
    throw orm::MissingError(
        "Record does not exist or has been deleted.\n(Record: res.users.apikeys(" +
        IdList(distinct) + "), User: " + std::to_string(env.uid()) + ")");
  }
  if (std::stoll(owners->Text(0, "others")) != 0 && !IsSystem(env)) {
    throw orm::AccessError(
        "You can not remove API keys unless they're yours or you are a system user");
  }
  const orm::Environment su = env.Sudo();
  orm::RecordSet(su, keys.model(), distinct).Unlink();
  return close;
}

// Odoo's APIKeyDescription.make_key: a key for the caller, described by the
// wizard's name and expiration; the wizard row is deleted, the key returned
// once in Odoo's action (context default_key). Odoo's check_identity is
// not asked again over RPC (see Remove).
orm::Value MakeKey(const orm::RecordSet& wizards, const orm::Value& args,
                   const orm::Value& kwargs) {
  TakesNoArguments("make_key", args, kwargs);
  if (wizards.ids().size() != 1) {
    throw orm::UserError("Expected singleton: res.users.apikeys.description(" +
                         IdList(wizards.ids()) + ")");
  }
  const orm::Environment& env = wizards.env();
  // Odoo's check_access_make_key: only users who can delete their keys.
  if (!UserInGroup(env, "base", "group_user"))
    throw orm::AccessError("Only internal users can create API keys");
  // With the caller's rights: only a wizard of their own (security/rules.toml).
  const orm::Value rows = wizards.Read({"name", "expiration_date"});
  if (!rows.is_array() || rows.size() != 1) {
    throw orm::MissingError(
        "Record does not exist or has been deleted.\n(Record: res.users.apikeys.description(" +
        IdList(wizards.ids()) + "), User: " + std::to_string(env.uid()) + ")");
  }
  const orm::Value& row = rows[0];
  const std::string name = row["name"].is_string() ? row["name"].get<std::string>() : std::string();
  std::string key = GenerateApiKey(env, std::nullopt, name, Expiration(row["expiration_date"]));
  const orm::Environment su = env.Sudo();
  orm::RecordSet(su, wizards.model(), wizards.ids()).Unlink();
  return {
      {"type", "ir.actions.act_window"},
      {"res_model", "res.users.apikeys.show"},
      {"name", "API Key Ready"},
      {"views", orm::Value::array({orm::Value::array({false, "form"})})},
      {"target", "new"},
      {"context", {{"default_key", std::move(key)}, {"default_name", name}}},
  };
}

// Odoo's APIKeyDescription.create: the expiration is checked when the wizard
// is made, with the creator's rights (a plain user's limit).
void CheckWizardExpirations(const orm::RecordSet& created, const orm::Value&) {
  const orm::Environment su = created.env().Sudo();
  const orm::Value rows =
      orm::RecordSet(su, created.model(), created.ids()).Read({"expiration_date"});
  for (const orm::Value& row : rows)
    CheckApiKeyExpiration(created.env(), Expiration(row["expiration_date"]));
}

}  // namespace

orm::ModelDef ResUsersApikeysDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.users.apikeys", "Users API Keys");
  def.auto_table = false;
  def.log_access = false;
  // Odoo's init(), with its names; the index name is Odoo's
  // "<table>_user_id_index_idx".
  def.init_sql = {
      "CREATE TABLE IF NOT EXISTS res_users_apikeys ("
      " id serial primary key,"
      " name varchar not null,"
      " user_id integer not null REFERENCES res_users(id) ON DELETE CASCADE,"
      " scope varchar,"
      " expiration_date timestamp without time zone,"
      " index varchar(8) not null CHECK (char_length(index) = 8),"
      " key varchar not null,"
      " create_date timestamp without time zone DEFAULT (now() at time zone 'utc'))",
      "CREATE INDEX IF NOT EXISTS res_users_apikeys_user_id_index_idx ON res_users_apikeys "
      "(user_id, index)",
  };
  def.fields = {
      Char("name").String("Description").Required().Readonly(),
      Many2one("user_id", "res.users")
          .Index()
          .Required()
          .Readonly()
          .Ondelete(orm::OnDelete::kCascade),
      Char("scope").String("Scope").Readonly(),
      Datetime("create_date").String("Creation Date").Readonly(),
      Datetime("expiration_date").String("Expiration Date").Readonly(),
  };
  def.methods["remove"] = Remove;
  def.exposed_methods = {"remove"};
  return def;
}

orm::ModelDef ResUsersApikeysDescriptionDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.users.apikeys.description", "API Key Description");
  def.fields = {
      Char("name").String("Description").Required(),
      Datetime("expiration_date").String("Expiration Date"),
  };
  def.after_create.push_back(CheckWizardExpirations);
  def.methods["make_key"] = MakeKey;
  def.exposed_methods = {"make_key"};
  return def;
}

}  // namespace citadel::modules::base
