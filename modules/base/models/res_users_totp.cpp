// res.users.totp: a user's second factor (TOTP, RFC 6238). Odoo 18's
// auth_totp keeps the secret in a res_users column its ORM field hides
// behind groups=NO_ACCESS; here, as for the API key hashes
// (res_users_apikeys.cpp), the secret and the counters are columns of an
// `_auto = False` table that no field names, so no ORM path at all (read,
// search, order, read_group, export, fields_get) can reach them, admins and
// su included. The table has no access rights (security/access.csv): only
// the fixed SQL of user_totp.cpp reads and writes it.
//
//   user_id          one row per user; deleted with the user
//   enabled          false while an enrolment waits for its first code
//   secret           the base32 text of 160 random bits (auth/totp.hpp)
//   last_step        the last time step accepted: a code is never taken twice
//   recovery_hashes  SHA-256 hex of each unused recovery code
//   failures, failure_window_start  wrong codes in the current window (the
//                    rate limit); updated by statements that commit alone
//
// res.users.totp_enabled (res_users.cpp) is computed from `enabled`.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/group_membership.hpp"
#include "modules/base/models/user_totp_action.hpp"
#include "modules/base/user_totp.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

orm::Value ActionTotpDisable(const orm::RecordSet& users, const orm::Value& args, const orm::Value& kwargs) {
  if ((args.is_array() && !args.empty()) || (kwargs.is_object() && !kwargs.empty())) {
    throw orm::UserError("res.users.action_totp_disable() takes no arguments");
  }
  if (!IsSystem(users.env())) {
    throw orm::AccessError("Only an administrator can turn off another user's two-factor authentication; "
                           "turn off your own on the two-factor authentication page.");
  }
  users.CheckAccess("write");
  for (const std::int64_t id : users.ids()) {
    auto removed = DisableTotp(users.env().connection(), id);
    if (!removed) throw orm::DatabaseError(removed.error());
  }
  return true;
}

}  // namespace

void AddTotpDisableAction(orm::ModelDef& users_def) {
  users_def.methods["action_totp_disable"] = ActionTotpDisable;
  users_def.exposed_methods.insert("action_totp_disable");
}

orm::ModelDef ResUsersTotpDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.users.totp", "Two-factor authentication secrets");
  def.auto_table = false;
  def.log_access = false;
  def.init_sql = {
      "CREATE TABLE IF NOT EXISTS res_users_totp ("
      " id serial primary key,"
      " user_id integer not null UNIQUE REFERENCES res_users(id) ON DELETE CASCADE,"
      " enabled boolean not null default false,"
      " secret varchar(64) not null,"
      " last_step bigint not null default -1,"
      " recovery_hashes text[] not null default '{}',"
      " failures integer not null default 0,"
      " failure_window_start timestamptz,"
      " create_date timestamp without time zone DEFAULT (now() at time zone 'utc'))",
  };
  def.fields = {
      Many2one("user_id", "res.users").Required().Readonly().Ondelete(orm::OnDelete::kCascade),
      Datetime("create_date").String("Creation Date").Readonly(),
  };
  return def;
}

}  // namespace citadel::modules::base
