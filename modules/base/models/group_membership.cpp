#include "modules/base/models/group_membership.hpp"

#include <string>

#include "orm/errors.hpp"

namespace citadel::modules::base {

bool UserInGroup(const orm::Environment& env, std::string_view module, std::string_view name) {
  auto found = env.connection().Execute(
      "SELECT 1 FROM ir_model_data d JOIN res_groups_users_rel gu ON gu.gid = d.res_id "
      "WHERE d.model = 'res.groups' AND d.module = $1 AND d.name = $2 AND gu.uid = $3 LIMIT 1",
      module, name, env.uid());
  if (!found) throw orm::DatabaseError(found.error());
  return !found->empty();
}

bool IsSystem(const orm::Environment& env) {
  return env.su() || UserInGroup(env, "base", "group_system");
}

}  // namespace citadel::modules::base
