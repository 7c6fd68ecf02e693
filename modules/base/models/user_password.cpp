#include "modules/base/models/user_password.hpp"

#include <string>

#include "core/password_hasher.hpp"
#include "modules/base/password_policy.hpp"
#include "orm/environment.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::base {
namespace {

// What a guesser tries first for this user: its login, name and e-mail.
std::vector<std::string> PersonalWords(db::Connection& connection, std::int64_t uid) {
  auto row = connection.Execute(
      "SELECT u.login, coalesce(p.name, '') AS name, coalesce(p.email, '') AS email FROM res_users "
      "u LEFT JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1",
      uid);
  if (!row) throw orm::DatabaseError(row.error());
  if (row->empty()) return {};
  return {row->Text(0, "login"), row->Text(0, "name"), row->Text(0, "email")};
}

// Stores the hash of `password` (NULL for an empty one: nobody can log in
// with it) with fixed SQL: an ORM write of `password` would come back here.
// A non-empty password must meet the tenant's policy (password_policy.hpp).
void StoreHashes(const orm::RecordSet& users, const orm::Value& password, std::uint32_t rounds) {
  const bool empty = !password.is_string() || password.get_ref<const std::string&>().empty();
  if (!empty) {
    db::Connection& connection = users.env().connection();
    const PasswordPolicy policy = ReadPasswordPolicy(connection);
    for (const std::int64_t id : users.ids()) {
      CheckPasswordPolicy(password.get_ref<const std::string&>(), policy, PersonalWords(connection, id));
    }
  }
  // The server's configured rounds when the call came through it; the
  // model's default otherwise (the CLI, tests).
  const core::PasswordHasher fallback(rounds);
  const core::PasswordHasher& hasher =
      users.env().password_hasher() != nullptr ? *users.env().password_hasher() : fallback;
  for (const std::int64_t id : users.ids()) {
    // A fresh salt per user, even when several get the same password.
    const db::Param hash = empty ? db::Param() : db::Param(hasher.Hash(password.get_ref<const std::string&>()));
    auto stored = users.env().connection().Execute("UPDATE res_users SET password = $1 WHERE id = $2", hash, id);
    if (!stored) throw orm::DatabaseError(stored.error());
  }
}

}  // namespace

void AddPasswordHashing(orm::ModelDef& users_def, std::uint32_t rounds) {
  users_def.after_create.push_back([rounds](const orm::RecordSet& created, const orm::Value& vals_list) {
    const auto& ids = created.ids();
    for (std::size_t i = 0; i < ids.size() && i < vals_list.size(); ++i) {
      if (!vals_list[i].is_object() || !vals_list[i].contains("password")) continue;
      StoreHashes(created.Browse({ids[i]}), vals_list[i]["password"], rounds);
    }
  });
  users_def.after_write.push_back([rounds](const orm::RecordSet& records, const orm::Value& vals) {
    if (vals.is_object() && vals.contains("password")) StoreHashes(records, vals["password"], rounds);
  });
}

}  // namespace citadel::modules::base
