// res.country.state, as Odoo 18's res_country.py (CountryState): a
// country's subdivisions, filled at install from iso-codes' ISO 3166-2.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"

namespace citadel::modules::base {

orm::ModelDef ResCountryStateDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.country.state", "Country state", "code");
  def.fields = {
      Many2one("country_id", "res.country").String("Country").Required(),
      Char("name").String("State Name").Required().Help(
          "Administrative divisions of a country. E.g. Fed. State, Departement, Canton"),
      Char("code").String("State Code").Required().Help("The state code."),
  };
  def.sql_constraints = {
      {"name_code_uniq", "unique(country_id, code)",
       "The code of the state must be unique by country!"},
  };
  return def;
}

}  // namespace citadel::modules::base
