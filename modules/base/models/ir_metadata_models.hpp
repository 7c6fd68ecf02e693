// The metadata models the installer (orm/module_installer.hpp) writes, as
// Odoo 18's odoo/addons/base/models/ir_model.py and ir_module.py declare
// them, reduced to the fields Citadel fills:
//
//   ir.model          one row per model (model, name, order, modules, state)
//   ir.model.fields   one row per field (ttype, relation, flags, link table)
//   ir.model.data     external ids: (module, name) -> (model, res_id, noupdate)
//   ir.module.module  one row per installed module (name, state, version)
//
// Their tables and columns are Odoo's (ir_model, ir_model_fields,
// ir_model_fields_group_rel(field_id, group_id), ir_model_data,
// ir_module_module), which the access guard's fixed SQL and external clients
// read. base's register.cpp adds them; the installer refuses a registry
// without them. Pure functions returning plain data: any thread.
#pragma once

#include "orm/model_def.hpp"

namespace citadel::modules::base {

orm::ModelDef IrModelDef();
orm::ModelDef IrModelFieldsDef();
orm::ModelDef IrModelDataDef();
orm::ModelDef IrModuleModuleDef();

}  // namespace citadel::modules::base
