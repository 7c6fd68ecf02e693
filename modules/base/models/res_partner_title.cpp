// res.partner.title, as Odoo 18's res_partner.py (PartnerTitle).
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"

namespace citadel::modules::base {

orm::ModelDef ResPartnerTitleDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.partner.title", "Partner Title", "name");
  def.fields = {
      Char("name").String("Title").Required(),
      Char("shortcut").String("Abbreviation"),
  };
  return def;
}

}  // namespace citadel::modules::base
