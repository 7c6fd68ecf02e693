// The `base` module: companies, users, groups, partners, countries and
// states, currencies, and the ir.* models access control and the installer
// rest on (ir.model, ir.model.fields, ir.model.data, ir.module.module,
// ir.model.access, ir.rule, ir.config_parameter, ir.sequence), as Odoo 18's
// base declares them.
//
//   orm::ModuleSet modules;
//   modules.Add(modules::BaseModule());
//
// BaseModule() returns the manifest (parsed from the embedded module.toml; a
// parse failure is a build defect and throws std::logic_error), the Register
// function, the embedded data files and the generated reference data
// (reference_data.hpp). Pure apart from generated_data reading iso-codes when
// called; thread-safe.
#pragma once

#include <map>
#include <string>

#include "orm/module_set.hpp"

namespace citadel::modules {

orm::Module BaseModule();

namespace base {
// The module's files, path relative to modules/base -> content (generated
// at build time by citadel_module, cmake/CitadelModules.cmake).
std::map<std::string, std::string> EmbeddedFiles();
}  // namespace base

}  // namespace citadel::modules
