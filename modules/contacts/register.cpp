// contacts' one entry point.
#include <stdexcept>

#include "modules/contacts/contacts_module.hpp"
#include "orm/module_manifest.hpp"

namespace citadel::modules {

orm::Module ContactsModule() {
  orm::Module module;
  module.files = contacts::EmbeddedFiles();
  auto manifest =
      orm::ParseModuleManifest(module.files.at("module.toml"), "contacts/module.toml");
  if (!manifest) {
    throw std::logic_error("modules/contacts/module.toml: " + manifest.error().message);
  }
  module.manifest = std::move(*manifest);
  module.register_models = [](orm::ModuleContext& context) {
    context.AddModel(contacts::ResPartnerCategoryDef());
    context.AddModel(contacts::ResPartnerBankDef());
    context.ExtendModel(contacts::ResPartnerExtension());
  };
  module.directory = "modules/contacts";
  return module;
}

}  // namespace citadel::modules
