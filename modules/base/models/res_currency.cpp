// res.currency, as Odoo 18's res_currency.py: ISO 4217 currencies, filled at
// install from iso-codes; only USD and EUR are active after install.
// decimal_places is stored plain (Odoo computes it from rounding; the data
// sets both), rates are not modelled yet.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"

namespace citadel::modules::base {

orm::ModelDef ResCurrencyDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.currency", "Currency", "active desc, name");
  def.fields = {
      Char("name").String("Currency").Size(3).Required().Help("Currency Code (ISO 4217)"),
      Integer("iso_numeric")
          .String("Currency numeric code.")
          .Help("Currency Numeric Code (ISO 4217)."),
      Char("full_name").String("Name"),
      Char("symbol").Required().Help("Currency sign, to be used when printing amounts."),
      Float("rounding").String("Rounding Factor").Digits(12, 6).Default(0.01),
      Integer("decimal_places").Default(2).Help(
          "Decimal places taken into account for operations on amounts in this currency. It is "
          "determined by the rounding factor."),
      Boolean("active").Default(true),
      Selection("position", {{"after", "After Amount"}, {"before", "Before Amount"}})
          .String("Symbol Position")
          .Default("after")
          .Help("Determines where the currency symbol should be placed after or before the amount."),
      Char("currency_unit_label").String("Currency Unit"),
      Char("currency_subunit_label").String("Currency Subunit"),
  };
  def.sql_constraints = {
      {"unique_name", "unique (name)", "The currency code must be unique!"},
      {"rounding_gt_zero", "CHECK (rounding>0)", "The rounding factor must be greater than 0!"},
  };
  return def;
}

}  // namespace citadel::modules::base
