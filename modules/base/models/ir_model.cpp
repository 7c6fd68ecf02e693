// ir.model, as Odoo 18's ir_model.py IrModel: one row per model, written by
// the installer (state "base"); `modules` is stored here (Odoo computes it
// from ir.model.data) because the installer knows it when it writes the row.
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/ir_metadata_models.hpp"

namespace citadel::modules::base {

orm::ModelDef IrModelDef() {
  using namespace fields;
  orm::ModelDef def = Model("ir.model", "Models", "model");
  def.fields = {
      Char("name").String("Model Description").Required(),
      Char("model").Required(),
      Char("order").String("Order").Required().Default("id").Help(
          "SQL expression for ordering records in the model; e.g. \"x_sequence asc, id desc\""),
      Text("info").String("Information"),
      One2many("field_id", "ir.model.fields", "model_id").String("Fields"),
      Selection("state", {{"manual", "Custom Object"}, {"base", "Base Object"}})
          .String("Type")
          .Default("manual")
          .Readonly(),
      One2many("access_ids", "ir.model.access", "model_id").String("Access"),
      One2many("rule_ids", "ir.rule", "model_id").String("Record Rules"),
      Boolean("transient").String("Transient Model"),
      Char("modules").String("In Apps").Help(
          "List of modules in which the object is defined or inherited"),
  };
  def.sql_constraints = {{"obj_name_uniq", "unique (model)", "Each model must have a unique name."}};
  return def;
}

}  // namespace citadel::modules::base
