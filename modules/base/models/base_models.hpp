// The models `base` declares (one file each under models/), as Odoo 18's
// odoo/addons/base/models declares them, reduced to the fields Citadel keeps.
// Each function returns a fresh orm::ModelDef (plain data); register.cpp adds
// them to the registry. The metadata models (ir.model, ir.model.fields,
// ir.model.data, ir.module.module) are declared in ir_metadata_models.hpp.
// Pure functions: callable from any thread.
#pragma once

#include "orm/model_def.hpp"

namespace citadel::modules::base {

orm::ModelDef ResCompanyDef();
orm::ModelDef ResUsersDef();
orm::ModelDef ResGroupsDef();
orm::ModelDef ResPartnerDef();
orm::ModelDef ResPartnerTitleDef();
orm::ModelDef ResCountryDef();
orm::ModelDef ResCountryStateDef();
orm::ModelDef ResCurrencyDef();
orm::ModelDef IrModelAccessDef();
orm::ModelDef IrRuleDef();
orm::ModelDef IrConfigParameterDef();
orm::ModelDef IrSequenceDef();
orm::ModelDef ResUsersApikeysDef();             // res_users_apikeys.cpp
orm::ModelDef ResUsersApikeysDescriptionDef();  // res_users_apikeys.cpp
orm::ModelDef ResUsersTotpDef();                // res_users_totp.cpp
orm::ModelDef CitadelBackupDef();               // citadel_backup.cpp
orm::ModelDef CitadelSupportGrantDef();         // citadel_support.cpp
orm::ModelDef CitadelSupportAuditDef();         // citadel_support.cpp

}  // namespace citadel::modules::base
