// contacts' additions to res.partner (Odoo 18 declares them in base):
// tags, in Odoo's res_partner_res_partner_category_rel(category_id,
// partner_id), and bank accounts.
#include "modules/base/models/field_builder.hpp"
#include "modules/contacts/contacts_module.hpp"

namespace citadel::modules::contacts {

orm::ModelExtension ResPartnerExtension() {
  using namespace fields;
  orm::ModelExtension extension;
  extension.model = "res.partner";
  extension.fields = {
      Many2many("category_id", "res.partner.category", "res_partner_res_partner_category_rel",
                "partner_id", "category_id")
          .String("Tags"),
      One2many("bank_ids", "res.partner.bank", "partner_id").String("Banks"),
  };
  return extension;
}

}  // namespace citadel::modules::contacts
