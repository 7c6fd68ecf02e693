// ir.config_parameter, as Odoo 18's ir_config_parameter.py: key/value
// settings of a database. Readable and writable by group_system only
// (security/access.csv, as Odoo's).
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"

namespace citadel::modules::base {

orm::ModelDef IrConfigParameterDef() {
  using namespace fields;
  orm::ModelDef def = Model("ir.config_parameter", "System Parameter", "key");
  def.rec_name = "key";
  def.fields = {
      Char("key").Required(),
      Text("value").Required(),
  };
  def.sql_constraints = {{"key_uniq", "unique (key)", "Key must be unique."}};
  return def;
}

}  // namespace citadel::modules::base
