// base's one entry point: its models, in Odoo's order of declaration, and
// its module description.
#include <stdexcept>

#include "modules/base/base_module.hpp"
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/ir_metadata_models.hpp"
#include "modules/base/reference_data.hpp"
#include "orm/module_manifest.hpp"

namespace citadel::modules {
namespace {

void RegisterBase(orm::ModuleContext& context) {
  using namespace base;
  for (orm::ModelDef (*make)() :
       {IrModelDef, IrModelFieldsDef, IrModelDataDef, IrModuleModuleDef, IrModelAccessDef,
        IrRuleDef, IrConfigParameterDef, IrSequenceDef, ResCurrencyDef, ResCountryDef,
        ResCountryStateDef, ResPartnerTitleDef, ResPartnerDef, ResCompanyDef, ResGroupsDef,
        ResUsersDef, ResUsersApikeysDef, ResUsersApikeysDescriptionDef, ResUsersTotpDef, CitadelBackupDef,
        CitadelSupportGrantDef, CitadelSupportAuditDef}) {
    context.AddModel(make());
  }
}

}  // namespace

orm::Module BaseModule() {
  orm::Module module;
  module.files = base::EmbeddedFiles();
  auto manifest = orm::ParseModuleManifest(module.files.at("module.toml"), "base/module.toml");
  if (!manifest) throw std::logic_error("modules/base/module.toml: " + manifest.error().message);
  module.manifest = std::move(*manifest);
  module.register_models = RegisterBase;
  module.directory = "modules/base";
  module.generated_data = [] { return base::IsoCodesData(); };
  return module;
}

}  // namespace citadel::modules
