#include "orm/module_set.hpp"

#include <map>
#include <set>

namespace citadel::orm {

using core::ErrorCode;
using core::Fail;

core::Result<std::vector<const Module*>> ModuleSet::LoadOrder() const {
  std::map<std::string, const Module*> by_name;
  for (const auto& m : modules_) {
    if (!by_name.emplace(m.manifest.name, &m).second) {
      return Fail(ErrorCode::kAlreadyExists, "module " + m.manifest.name + " is added twice");
    }
  }
  for (const auto& m : modules_) {
    for (const auto& dep : m.manifest.depends) {
      if (!by_name.count(dep)) {
        return Fail(ErrorCode::kNotFound, "module " + m.manifest.name + " depends on unknown module " + dep);
      }
    }
  }
  // Kahn's algorithm over names in sorted order: a stable, deterministic order.
  std::vector<const Module*> order;
  std::set<std::string> done;
  while (order.size() < by_name.size()) {
    bool progressed = false;
    for (const auto& [name, module] : by_name) {
      if (done.count(name)) continue;
      bool ready = true;
      for (const auto& dep : module->manifest.depends) ready = ready && done.count(dep);
      if (!ready) continue;
      order.push_back(module);
      done.insert(name);
      progressed = true;
      break;  // restart from the smallest name, so ties always resolve the same way
    }
    if (!progressed) {
      std::string stuck;
      for (const auto& [name, module] : by_name) {
        if (!done.count(name)) stuck += (stuck.empty() ? "" : ", ") + name;
      }
      return Fail(ErrorCode::kInvalidArgument, "modules depend on each other in a cycle: " + stuck);
    }
  }
  return order;
}

core::Result<std::shared_ptr<const Registry>> ModuleSet::BuildRegistry() const {
  auto order = LoadOrder();
  if (!order) return core::Unexpected(order.error());
  RegistryBuilder builder;
  for (const Module* module : *order) {
    if (!module->register_models) continue;
    ModuleContext context(builder, module->manifest.name);
    module->register_models(context);
  }
  return builder.Build();
}

}  // namespace citadel::orm
