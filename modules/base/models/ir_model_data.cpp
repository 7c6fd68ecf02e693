// ir.model.data, as Odoo 18's ir_model.py IrModelData: external ids
// ("base.main_company") of the records modules install. res_id is Odoo's
// Many2oneReference, an integer here. Odoo enforces (module, name) with a
// unique index made in _auto_init; here it is the SQL constraint
// ir_model_data_module_name_uniq, which the installer relies on.
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/ir_metadata_models.hpp"

namespace citadel::modules::base {

orm::ModelDef IrModelDataDef() {
  using namespace fields;
  orm::ModelDef def = Model("ir.model.data", "Model Data", "module, model, name");
  def.fields = {
      Char("name").String("External Identifier").Required().Help(
          "External Key/Identifier that can be used for data integration with third-party "
          "systems"),
      Char("model").String("Model Name").Required(),
      Char("module").Default("").Required(),
      Integer("res_id").String("Record ID").Help("ID of the target record in the database"),
      Boolean("noupdate").String("Non Updatable").Default(false),
  };
  def.sql_constraints = {
      {"module_name_uniq", "unique (module, name)", "External IDs must be unique per module."},
  };
  return def;
}

}  // namespace citadel::modules::base
