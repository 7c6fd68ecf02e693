// A business module's manifest, `modules/<name>/module.toml`:
//
//   name = "contacts"
//   version = "18.0.1.0"
//   depends = ["base"]
//   data = ["security/access.csv", "data/partner_categories.toml"]  # load order
//   demo = ["demo/partners.toml"]
//
// Parsing is strict (unknown keys are errors) and pure; the ModuleLoader
// checks names and dependencies across modules.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"

namespace citadel::orm {

struct ModuleManifest {
  std::string name;
  std::string version;
  std::string summary;
  std::vector<std::string> depends;
  std::vector<std::string> data;  // paths relative to the module's folder, in load order
  std::vector<std::string> demo;
};

// `source` names the file in messages.
core::Result<ModuleManifest> ParseModuleManifest(const std::string& toml_text,
                                                 const std::string& source);

// Module names: [a-z][a-z0-9_]*, at most 64 characters.
bool IsModuleName(const std::string& name);

}  // namespace citadel::orm
