// res.company's create and write, as Odoo 18's res_company.py: a company
// created without a partner gets one (a company partner of the same name);
// the new company is added to the creating user's and the superuser's
// companies; its currency is activated; renaming a company renames its
// partner (Odoo's name is related to partner_id.name).
#pragma once

#include "orm/model_def.hpp"

namespace citadel::modules::base {

void AddCompanyHooks(orm::ModelDef& companies_def);

}  // namespace citadel::modules::base
