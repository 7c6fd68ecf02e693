// The business modules known to a server, and the registry they make.
//
// Nothing registers itself (no static initialisers): the program adds each
// module with its manifest and its `Register` function, and ModuleSet calls
// the functions in dependency order (each module after everything it depends
// on; ties broken by name, so the order is the same on every server). A
// missing dependency, a duplicate or a cycle fails with a message naming it.
//
// A module's Register sees a ModuleContext: it declares its own models and
// extends others' through it, never by editing another module's files.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "orm/module_data.hpp"
#include "orm/module_manifest.hpp"
#include "orm/registry.hpp"

namespace citadel::orm {

class ModuleContext {
 public:
  ModuleContext(RegistryBuilder& builder, std::string module)
      : builder_(builder), module_(std::move(module)) {}
  void AddModel(ModelDef def) { builder_.AddModel(module_, std::move(def)); }
  void ExtendModel(ModelExtension extension) { builder_.ExtendModel(module_, std::move(extension)); }
  const std::string& module() const { return module_; }

 private:
  RegistryBuilder& builder_;
  std::string module_;
};

using RegisterFunction = std::function<void(ModuleContext&)>;

// Records a module makes in C++ at install (base: countries, states and
// currencies from iso-codes), loaded before its `data` files.
using GeneratedDataFunction = std::function<core::Result<std::vector<DataRecord>>()>;

struct Module {
  ModuleManifest manifest;
  RegisterFunction register_models;
  std::string directory;  // where its data files are (modules/<name>)
  // The module's files, embedded in the binary at build time (no runtime
  // path to find): path relative to the module folder ("module.toml",
  // "security/access.csv", "data/res_company.toml") -> content.
  std::map<std::string, std::string> files;
  GeneratedDataFunction generated_data;
};

class ModuleSet {
 public:
  void Add(Module module) { modules_.push_back(std::move(module)); }
  const std::vector<Module>& modules() const { return modules_; }

  // Every module after its dependencies; errors name the missing module or the cycle.
  core::Result<std::vector<const Module*>> LoadOrder() const;

  // Calls each module's Register in load order and builds the registry.
  core::Result<std::shared_ptr<const Registry>> BuildRegistry() const;

 private:
  std::vector<Module> modules_;
};

}  // namespace citadel::orm
