// ir.model.access, as Odoo 18's ir_model.py (IrModelAccess): the model
// access rights AccessGuard reads (ir_model_access joined to ir_model by
// model_id, group_id in res_groups_users_rel). Filled from each module's
// security/access.csv.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"

namespace citadel::modules::base {

orm::ModelDef IrModelAccessDef() {
  using namespace fields;
  orm::ModelDef def = Model("ir.model.access", "Model Access", "model_id, group_id, name, id");
  def.fields = {
      Char("name").Required().Index(),
      Boolean("active").Default(true).Help(
          "If you uncheck the active field, it will disable the ACL without deleting it (if you "
          "delete a native ACL, it will be re-created when you reload the module)."),
      Many2one("model_id", "ir.model").String("Model").Required().Index().Ondelete(
          orm::OnDelete::kCascade),
      Many2one("group_id", "res.groups").String("Group").Index().Ondelete(
          orm::OnDelete::kRestrict),
      Boolean("perm_read").String("Read Access").Default(false),
      Boolean("perm_write").String("Write Access").Default(false),
      Boolean("perm_create").String("Create Access").Default(false),
      Boolean("perm_unlink").String("Delete Access").Default(false),
  };
  return def;
}

}  // namespace citadel::modules::base
