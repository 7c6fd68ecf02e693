// res.users, as Odoo 18's res_users.py: who can sign in. Odoo's `_inherits`
// of res.partner is replaced by the partner_id many2one and related fields
// (name, email, lang, tz, written through to the partner); a user created
// without a partner gets one (user_hooks.cpp), as Odoo's create does.
//
// groups_id is Odoo's res_groups_users_rel(uid, gid) and company_ids its
// res_company_users_rel(user_id, cid): AccessGuard's fixed SQL reads both.
// password is write-only: it holds a PBKDF2 hash string (auth/) and is never
// read back by anyone. share is stored: true for users outside
// base.group_user (portal and public users), kept by the group hooks.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/user_hooks.hpp"
#include "modules/base/models/user_password.hpp"
#include "modules/base/models/user_reset_password.hpp"
#include "modules/base/models/user_totp_action.hpp"
#include "core/password_hasher.hpp"
#include "orm/access_guard.hpp"
#include "orm/compute.hpp"
#include "orm/errors.hpp"

#include <set>
#include <string>

namespace citadel::modules::base {
namespace {

void ComputeTotpEnabled(orm::ComputeBatch& batch) {
  std::string ids = "{";
  for (std::size_t i = 0; i < batch.size(); ++i) ids += (i ? "," : "") + std::to_string(batch.id(i));
  auto enabled = batch.env().connection().Execute(
      "SELECT user_id FROM res_users_totp WHERE enabled AND user_id = ANY($1::int8[])", ids + "}");
  if (!enabled) throw orm::DatabaseError(enabled.error());
  std::set<std::int64_t> on;
  for (int row = 0; row < enabled->rows(); ++row) on.insert(std::stoll(enabled->Text(row, "user_id")));
  for (std::size_t i = 0; i < batch.size(); ++i) batch.Set(i, "totp_enabled", on.count(batch.id(i)) > 0);
}

}  // namespace

orm::ModelDef ResUsersDef() {
  using namespace fields;
  // Odoo orders by "name, login", name coming from the partner through
  // _inherits; without the join Citadel orders by login.
  orm::ModelDef def = Model("res.users", "User", "login");
  def.rec_name = "login";
  def.fields = {
      // Required in Odoo; nullable here only until the create hook, in the
      // same transaction, gives every new user its partner.
      Many2one("partner_id", "res.partner")
          .String("Related Partner")
          .Index()
          .Ondelete(orm::OnDelete::kRestrict)
          .Help("Partner-related data of the user"),
      Char("login").Required().Help("Used to log into the system"),
      Char("password").WriteOnly().NoCopy().Help(
          "Keep empty if you don't want the user to be able to connect on the system."),
      Html("signature").String("Email Signature"),
      Boolean("active").Default(true),
      Many2many("groups_id", "res.groups", "res_groups_users_rel", "uid", "gid").String("Groups"),
      Boolean("share").String("Share User").Readonly().Default(false).Help(
          "External user with limited access, created only for the purpose of sharing data."),
      Many2one("company_id", "res.company")
          .String("Company")
          .Required()
          .Help("The default company for this user.")
          .DefaultFrom([](const orm::Environment& env) -> orm::Value {
            const std::int64_t company = orm::AccessGuard::CurrentCompanyId(env);
            return company > 0 ? orm::Value(company) : orm::Value(false);
          }),
      Many2many("company_ids", "res.company", "res_company_users_rel", "user_id", "cid")
          .String("Companies")
          .DefaultFrom([](const orm::Environment& env) -> orm::Value {
            const std::int64_t company = orm::AccessGuard::CurrentCompanyId(env);
            if (company <= 0) return orm::Value::array();
            return orm::Value::array({orm::Value::array({6, 0, orm::Value::array({company})})});
          }),
      Char("name").Related("partner_id.name").Writable(),
      Char("email").Related("partner_id.email").Writable(),
      Char("lang").Related("partner_id.lang").Writable(),
      Char("tz").Related("partner_id.tz").Writable(),
      // Odoo 18 auth_totp's field: readable by whoever reads the user, while
      // the secret itself has no field (res_users_totp.cpp).
      Boolean("totp_enabled")
          .String("Two-factor authentication")
          .Compute("_compute_totp_enabled", {}, false)
          .Readonly(),
  };
  def.computes["_compute_totp_enabled"] = ComputeTotpEnabled;
  def.sql_constraints = {
      {"login_key", "UNIQUE (login)", "You can not have two users with the same login!"},
  };
  AddUserHooks(def);
  AddPasswordHashing(def, core::kDefaultPbkdf2Rounds);
  AddResetPasswordAction(def);
  AddTotpDisableAction(def);
  return def;
}

}  // namespace citadel::modules::base
