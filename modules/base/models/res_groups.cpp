// res.groups, as Odoo 18's res_users.py (Groups, GroupsImplied): access
// groups. users is the other side of res.users.groups_id, in Odoo's
// res_groups_users_rel(gid, uid), which AccessGuard reads. implied_ids
// (res_groups_implied_rel(gid, hid)): a member of a group is a member of the
// groups it implies, transitively. As Odoo, the closure is stored in
// res_groups_users_rel when groups or users change (group_closure.cpp), so the
// guard's fixed SQL needs no recursion.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/group_closure.hpp"

namespace citadel::modules::base {

orm::ModelDef ResGroupsDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.groups", "Access Groups", "name");
  def.fields = {
      Char("name").Required(),
      Many2many("users", "res.users", "res_groups_users_rel", "gid", "uid"),
      One2many("model_access", "ir.model.access", "group_id").String("Access Controls"),
      Many2many("rule_groups", "ir.rule", "rule_group_rel", "group_id", "rule_group_id")
          .String("Rules"),
      Text("comment"),
      Integer("color").String("Color Index"),
      Boolean("share").String("Share Group").Help(
          "Group created to set access rights for sharing data with some users."),
      Many2many("implied_ids", "res.groups", "res_groups_implied_rel", "gid", "hid")
          .String("Inherits")
          .Help("Users of this group automatically inherit those groups"),
  };
  AddGroupClosureHooks(def);
  return def;
}

}  // namespace citadel::modules::base
