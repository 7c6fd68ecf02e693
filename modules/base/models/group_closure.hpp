// Implied groups, as Odoo 18's GroupsImplied / UsersImplied: a user in a
// group is in every group it implies (implied_ids, transitively). Odoo
// stores that closure in res_groups_users_rel whenever groups or users
// change, so that membership is one lookup; Citadel does the same, so
// AccessGuard's fixed SQL (gid IN (SELECT gid FROM res_groups_users_rel WHERE
// uid = $2)) sees implied groups without recursion. As in Odoo, removing a
// group later does not remove what it implied.
//
// The hooks also keep res.users.share (Odoo's stored compute: a user outside
// base.group_user is a share user).
#pragma once

#include <cstdint>
#include <vector>

#include "orm/environment.hpp"
#include "orm/model_def.hpp"

namespace citadel::modules::base {

// after_create / after_write hooks of res.groups (users, implied_ids).
void AddGroupClosureHooks(orm::ModelDef& groups_def);

// Adds the implied groups of `user_ids` (all users when empty) to
// res_groups_users_rel, then updates their `share`. In the caller's
// transaction, without access checks (the caller changed groups already).
void StoreImpliedGroups(const orm::Environment& env, const std::vector<std::int64_t>& user_ids);

}  // namespace citadel::modules::base
