// res.country, as Odoo 18's res_country.py: ISO 3166-1 countries, filled at
// install from Debian's iso-codes (reference_data.cpp).
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"

namespace citadel::modules::base {

orm::ModelDef ResCountryDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.country", "Country", "name");
  def.fields = {
      Char("name").String("Country Name").Required(),
      Char("code").String("Country Code").Size(2).Required().Help(
          "The ISO country code in two chars. \nYou can use this field for quick search."),
      Text("address_format")
          .String("Layout in Reports")
          .Default("%(street)s\n%(street2)s\n%(city)s %(state_code)s %(zip)s\n%(country_name)s"),
      Many2one("currency_id", "res.currency").String("Currency"),
      Integer("phone_code").String("Country Calling Code"),
      One2many("state_ids", "res.country.state", "country_id").String("States"),
      Selection("name_position", {{"before", "Before Address"}, {"after", "After Address"}})
          .String("Customer Name Position")
          .Default("before"),
      Char("vat_label").String("Vat Label"),
      Boolean("state_required").Default(false),
      Boolean("zip_required").Default(true),
  };
  def.sql_constraints = {
      {"name_uniq", "unique (name)", "The name of the country must be unique!"},
      {"code_uniq", "unique (code)", "The code of the country must be unique!"},
  };
  return def;
}

}  // namespace citadel::modules::base
