// res.users.action_reset_password, as Odoo 18's auth_signup has it
// (models/res_users.py): mails each user a link to choose a new password and
// answers a client notification. Facts kept from Odoo: an archived user is a
// UserError ("You cannot perform this action on an archived user."), so is a
// user without an e-mail ("Cannot send email: user %s has no email
// address."), and a mail failure is a UserError naming the mail server,
// never a traceback. Differences: the caller needs write access to those
// users (Odoo relies on who can see the button; here it is the tenant
// admin's), and nothing but the link is sent: nobody, the admin included,
// learns or sets the new password; only the user, through the link.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/user_reset_password.hpp"
#include "modules/base/password_reset_delivery.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

orm::Value ActionResetPassword(const orm::RecordSet& users, const orm::Value& args, const orm::Value& kwargs) {
  if ((args.is_array() && !args.empty()) || (kwargs.is_object() && !kwargs.empty())) {
    throw orm::UserError("res.users.action_reset_password() takes no arguments");
  }
  users.CheckAccess("write");
  const orm::Environment su = users.env().Sudo();
  const orm::Value rows = orm::RecordSet(su, users.model(), users.ids()).Read({"active", "email", "login"});
  for (const orm::Value& row : rows) {
    if (row["active"] != true) throw orm::UserError("You cannot perform this action on an archived user.");
  }
  for (const orm::Value& row : rows) {
    if (!row["email"].is_string() || row["email"].get_ref<const std::string&>().empty()) {
      throw orm::UserError("Cannot send email: user " + row["login"].get<std::string>() + " has no email address.");
    }
  }
  const auto delivery = PasswordResetDeliveryInUse();
  if (!delivery) {
    throw orm::UserError("Could not contact the mail server, please check your outgoing email server configuration");
  }
  for (const std::int64_t id : users.ids()) {
    if (!delivery->MailResetLink(users.env().connection(), id)) {
      throw orm::UserError("There was an error when trying to deliver your Email, please check your configuration");
    }
  }
  return {{"type", "ir.actions.client"},
          {"tag", "display_notification"},
          {"params",
           {{"title", "Notification"}, {"message", "A reset password link was send by email"}, {"sticky", false}}}};
}

}  // namespace

void AddResetPasswordAction(orm::ModelDef& users_def) {
  users_def.methods["action_reset_password"] = ActionResetPassword;
  users_def.exposed_methods.insert("action_reset_password");
}

}  // namespace citadel::modules::base
