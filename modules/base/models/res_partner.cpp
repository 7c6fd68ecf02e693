// res.partner, as Odoo 18's res_partner.py: contacts, companies and their
// addresses. What Citadel keeps of it:
//   - display_name is complete_name (a stored compute): "Company, Contact"
//     for a person under a company, the type's label for a nameless address;
//   - commercial_partner_id (stored, recursive): the top company of a
//     hierarchy, or the partner itself; commercial_company_name its name;
//   - company_type (computed from is_company, written back to it);
//   - address and commercial fields synchronised between a company and its
//     contacts on create and write (res_partner_sync.cpp), as Odoo's
//     _fields_sync and _children_sync;
//   - the default order "complete_name ASC, id DESC";
//   - name_search matches complete_name, email, ref, vat or
//     company_registry (Odoo's _rec_names_search);
//   - image_1920, Odoo's image.mixin field (through avatar.mixin): a binary
//     field in the tenant's sealed file store, kept as uploaded — Citadel
//     does not resize it to 1920 px nor derive image_1024..image_128 (no
//     image library yet; docs/orm.md).
// Computes are in res_partner_compute.cpp. Tags (category_id) and bank
// accounts (bank_ids) are added by the contacts module.
#include "modules/base/models/base_models.hpp"
#include "modules/base/models/field_builder.hpp"
#include "modules/base/models/res_partner_behaviour.hpp"

namespace citadel::modules::base {

orm::ModelDef ResPartnerDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.partner", "Contact", "complete_name ASC, id DESC");
  def.rec_name = "complete_name";
  // Odoo 18's _rec_names_search: name_search finds a partner by any of them.
  def.rec_names_search = {"complete_name", "email", "ref", "vat", "company_registry"};
  def.parent_name = "parent_id";
  def.fields = {
      Char("name").Index(),
      Char("complete_name")
          .Index()
          .Compute("_compute_complete_name",
                   {"is_company", "name", "parent_id.name", "type", "company_name",
                    "commercial_company_name"},
                   true),
      Many2one("title", "res.partner.title"),
      Many2one("parent_id", "res.partner").String("Related Company").Index(),
      Char("parent_name").String("Parent name").Related("parent_id.name"),
      One2many("child_ids", "res.partner", "parent_id").String("Contact"),
      Char("ref").String("Reference").Index(),
      Selection("lang", {{"en_US", "English (US)"}})
          .String("Language")
          .Help("All the emails and documents sent to this contact will be translated in this "
                "language."),
      // A selection of the tz database names in Odoo; a free text here until
      // Citadel ships the list.
      Char("tz").String("Timezone").Help(
          "When printing documents and exporting/importing data, time values are computed "
          "according to this timezone.\nIf the timezone is not set, UTC (Coordinated Universal "
          "Time) is used.\nAnywhere else, time values are computed according to the time offset "
          "of your web client."),
      Many2one("user_id", "res.users")
          .String("Salesperson")
          .Help("The internal user in charge of this contact."),
      Char("vat").String("Tax ID").Index().Help(
          "The Tax Identification Number. Values here will be validated based on the country "
          "format. You can use '/' to indicate that the partner is not subject to tax."),
      Char("company_registry")
          .String("Company ID")
          .Help("The registry number of the company. Use it if it is different from the Tax ID. "
                "It must be unique across all partners of a same country"),
      Char("website").String("Website Link"),
      Html("comment").String("Notes"),
      Boolean("active").Default(true),
      Boolean("employee").Help("Check this box if this contact is an Employee."),
      Char("function").String("Job Position"),
      Selection("type", {{"contact", "Contact"},
                         {"invoice", "Invoice Address"},
                         {"delivery", "Delivery Address"},
                         {"other", "Other Address"}})
          .String("Address Type")
          .Default("contact"),
      Char("street"),
      Char("street2"),
      Char("zip"),
      Char("city"),
      Many2one("state_id", "res.country.state").String("State").Ondelete(orm::OnDelete::kRestrict),
      Many2one("country_id", "res.country").String("Country").Ondelete(orm::OnDelete::kRestrict),
      Char("country_code").String("Country Code").Related("country_id.code"),
      Float("partner_latitude").String("Geo Latitude").Digits(10, 7),
      Float("partner_longitude").String("Geo Longitude").Digits(10, 7),
      Char("email"),
      Char("email_formatted")
          .String("Formatted Email")
          .Help("Format email address \"Name <email@domain>\"")
          .Compute("_compute_email_formatted", {"name", "email"}, false),
      Char("phone"),
      Char("mobile"),
      Boolean("is_company")
          .String("Is a Company")
          .Default(false)
          .Help("Check if the contact is a company, otherwise it is a person"),
      Selection("company_type", {{"person", "Individual"}, {"company", "Company"}})
          .String("Company Type")
          .Compute("_compute_company_type", {"is_company"}, false)
          .Inverse("_write_company_type"),
      Many2one("company_id", "res.company").String("Company").Index(),
      Integer("color").String("Color Index").Default(0),
      One2many("user_ids", "res.users", "partner_id").String("Users"),
      Boolean("partner_share")
          .String("Share Partner")
          .Help("Either customer (not a user), either shared user. Indicated the current partner "
                "is a customer without access or with a limited access created for sharing data.")
          .Compute("_compute_partner_share", {"user_ids.share", "user_ids.active"}, true),
      Char("contact_address")
          .String("Complete Address")
          .Compute("_compute_contact_address",
                   {"street", "street2", "zip", "city", "state_id.code", "state_id.name",
                    "country_id.code", "country_id.name", "country_id.address_format",
                    "company_name", "commercial_company_name"},
                   false),
      Many2one("commercial_partner_id", "res.partner")
          .String("Commercial Entity")
          .Index()
          .Compute("_compute_commercial_partner",
                   {"is_company", "parent_id.commercial_partner_id"}, true),
      Char("commercial_company_name")
          .String("Company Name Entity")
          .Compute("_compute_commercial_company_name",
                   {"company_name", "parent_id.is_company", "commercial_partner_id.name",
                    "commercial_partner_id.is_company"}, true),
      Char("company_name").String("Company Name"),
      FieldBuilder("image_1920", FieldType::kBinary).String("Image"),
  };
  def.sql_constraints = {
      {"check_name", "CHECK( (type='contact' AND name IS NOT NULL) or (type!='contact') )",
       "Contacts require a name"},
  };
  AddPartnerComputes(def);
  AddPartnerSync(def);
  return def;
}

}  // namespace citadel::modules::base
