// The metadata rows the installer writes for a module, as Odoo 18's
// ir_model.py _reflect_models / _reflect_fields and ir_module.py make them,
// expressed as DataRecords so they load by external id like any data
// (install_record_loader.hpp): created once, rewritten only where a field
// differs, so a second run changes nothing.
//
//   ir.module.module  base.module_<name>                 (name, state, latest_version, ...)
//   ir.model          <module>.model_<table>             (model, name, order, modules, state)
//   ir.model.fields   <module>.field_<table>__<field>    (ttype, relation, flags, ...)
//
// A model gets its ir.model row from the module that declares it; every
// module that extends it gets its own xml id for that row too (Odoo does the
// same), written by the installer. A field's row belongs to the module that
// declared the field. Field `groups` name res.groups records by xml id, which
// exist only once the module's data is loaded: FieldGroupRecords gives them
// as a second pass.
//
// Pure functions of the registry and manifests: thread-safe.
#pragma once

#include <string>
#include <vector>

#include "orm/module_set.hpp"
#include "orm/registry.hpp"

namespace citadel::orm {

DataRecord ModuleRecord(const ModuleManifest& manifest);

// The ir.model rows `module` declares.
std::vector<DataRecord> ModelRecords(const Registry& registry, const std::string& module);
// (xml id of `module` for a model it extends, xml id of the model's row).
std::vector<std::pair<std::string, std::string>> ExtendedModelXmlIds(const Registry& registry,
                                                                     const std::string& module);

// The `modules` of the ir.model rows of models `module` extends (the
// declaring module may be at its version already and not rewrite them).
std::vector<DataRecord> ExtendedModelRecords(const Registry& registry, const std::string& module);

// The ir.model.fields rows of the fields `module` declared, without groups.
std::vector<DataRecord> FieldRecords(const Registry& registry, const std::string& module);
// The same rows' `groups`, for the fields that have some.
std::vector<DataRecord> FieldGroupRecords(const Registry& registry, const std::string& module);

// A model's default order as text ("name, id desc"), as ir.model.order keeps it.
std::string OrderText(const Model& model);

}  // namespace citadel::orm
