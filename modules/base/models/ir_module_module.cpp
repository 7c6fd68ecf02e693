// ir.module.module, as Odoo 18's ir_module.py Module, reduced to what the
// installer records: one row per installed module, its state and the version
// whose schema and data the database holds (latest_version, Odoo's name).
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/ir_metadata_models.hpp"

namespace citadel::modules::base {

orm::ModelDef IrModuleModuleDef() {
  using namespace fields;
  orm::ModelDef def = Model("ir.module.module", "Module", "application desc,sequence,name");
  def.fields = {
      Char("name").String("Technical Name").Required().Readonly().Index(),
      Char("shortdesc").String("Module Name").Readonly(),
      Char("summary").Readonly(),
      Text("description").Readonly(),
      Char("author").Readonly(),
      Char("website").Readonly(),
      Char("latest_version").String("Installed Version").Readonly(),
      Selection("state", {{"uninstallable", "Uninstallable"},
                          {"uninstalled", "Not Installed"},
                          {"installed", "Installed"},
                          {"to upgrade", "To be upgraded"},
                          {"to remove", "To be removed"},
                          {"to install", "To be installed"}})
          .String("Status")
          .Readonly()
          .Index()
          .Default("uninstalled"),
      Boolean("demo").String("Demo Data").Default(false).Readonly(),
      Boolean("application").Default(false).Readonly(),
      Integer("sequence").Default(100),
      Char("license").Readonly().Default("LGPL-3"),
  };
  def.sql_constraints = {{"name_uniq", "UNIQUE (name)", "The name of the module must be unique!"}};
  return def;
}

}  // namespace citadel::modules::base
