// ir.rule, as Odoo 18's ir_rule.py: record rules AccessGuard reads. Groups
// live in rule_group_rel(rule_group_id, group_id), Odoo's names, which the
// guard's fixed SQL uses; no group means a global rule. domain_force holds a
// JSON domain (never Python) whose values may be rule variables
// ({"var": "company_ids"}, see orm/access_guard.hpp). Filled from each
// module's security/rules.toml.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"

namespace citadel::modules::base {

orm::ModelDef IrRuleDef() {
  using namespace fields;
  orm::ModelDef def = Model("ir.rule", "Record Rule", "model_id desc, id");
  def.fields = {
      Char("name").Index(),
      Boolean("active").Default(true).Help(
          "If you uncheck the active field, it will disable the record rule without deleting it "
          "(if you delete a native record rule, it may be re-created when you reload the "
          "module)."),
      Many2one("model_id", "ir.model").String("Model").Required().Index().Ondelete(
          orm::OnDelete::kCascade),
      Many2many("groups", "res.groups", "rule_group_rel", "rule_group_id", "group_id")
          .Ondelete(orm::OnDelete::kRestrict),
      Text("domain_force").String("Domain"),
      Boolean("perm_read").String("Read").Default(true),
      Boolean("perm_write").String("Write").Default(true),
      Boolean("perm_create").String("Create").Default(true),
      Boolean("perm_unlink").String("Delete").Default(true),
  };
  def.sql_constraints = {
      {"no_access_rights",
       "CHECK (perm_read!=False or perm_write!=False or perm_create!=False or perm_unlink!=False)",
       "Rule must have at least one checked access right!"},
  };
  return def;
}

}  // namespace citadel::modules::base
