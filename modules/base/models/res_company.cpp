// res.company, as Odoo 18's res_company.py: a company of the database, with
// its partner (the company's contact record) and currency. Address, email,
// phone and website are the partner's (related, written through), as Odoo
// computes and inverses them. Creating a company without a partner creates
// one (company_hooks.cpp), as Odoo's create does; the company is then given to
// the creating user and the superuser.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/company_hooks.hpp"
#include "modules/base/models/field_builder.hpp"

namespace citadel::modules::base {

orm::ModelDef ResCompanyDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.company", "Companies", "sequence, name");
  def.parent_name = "parent_id";
  def.fields = {
      Char("name").String("Company Name").Required(),
      Boolean("active").Default(true),
      Integer("sequence").Default(10).Help("Used to order Companies in the company switcher"),
      Many2one("parent_id", "res.company").String("Parent Company").Index().Ondelete(
          orm::OnDelete::kRestrict),
      One2many("child_ids", "res.company", "parent_id").String("Branches"),
      // Required in Odoo; left nullable here because Citadel has no hook
      // before the insert: company_hooks.cpp creates the partner right after
      // it, in the same transaction, whenever none was given.
      Many2one("partner_id", "res.partner").String("Partner"),
      Many2one("currency_id", "res.currency").String("Currency").Required(),
      Many2many("user_ids", "res.users", "res_company_users_rel", "cid", "user_id")
          .String("Accepted Users"),
      Char("street").Related("partner_id.street").Writable(),
      Char("street2").Related("partner_id.street2").Writable(),
      Char("zip").Related("partner_id.zip").Writable(),
      Char("city").Related("partner_id.city").Writable(),
      Many2one("state_id", "res.country.state").String("Fed. State").Related("partner_id.state_id").Writable(),
      Many2one("country_id", "res.country").String("Country").Related("partner_id.country_id").Writable(),
      Char("country_code").Related("country_id.code"),
      Char("email").Related("partner_id.email").Writable(),
      Char("phone").Related("partner_id.phone").Writable(),
      Char("mobile").Related("partner_id.mobile").Writable(),
      Char("website").Related("partner_id.website").Writable(),
      Char("vat").String("Tax ID").Related("partner_id.vat").Writable(),
      Char("company_registry").String("Company ID").Related("partner_id.company_registry").Writable(),
      Html("report_header").String("Company Tagline"),
      Html("report_footer").String("Report Footer"),
      Char("primary_color"),
      Char("secondary_color"),
  };
  def.sql_constraints = {
      {"name_uniq", "unique (name)", "The company name must be unique!"},
  };
  AddCompanyHooks(def);
  return def;
}

}  // namespace citadel::modules::base
