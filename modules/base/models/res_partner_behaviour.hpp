// res.partner's behaviour beyond its fields, as Odoo 18's res_partner.py:
// the compute methods (res_partner_compute.cpp) and the synchronisation of
// address and commercial fields between a company and its contacts on create
// and write (res_partner_sync.cpp). Each adds its entries to the ModelDef.
#pragma once

#include <string>

#include "orm/model_def.hpp"
#include "orm/value.hpp"

namespace citadel::modules::base {

// complete_name, commercial_partner_id, commercial_company_name,
// company_type (and its inverse), email_formatted, contact_address,
// partner_share.
void AddPartnerComputes(orm::ModelDef& def);

// after_create / after_write hooks: _fields_sync, _children_sync,
// _handle_first_contact_creation, the company of contacts following their
// parent's, website cleaning, archived partners of active users refused.
void AddPartnerSync(orm::ModelDef& def);

// Odoo's _display_address: the partner's address in its country's format.
// `values` holds street, street2, zip, city, state_code, state_name,
// country_code, country_name, company_name and address_format (empty: Odoo's
// default format). Exposed for tests.
std::string FormatAddress(const orm::Value& values);

// Odoo's tools.formataddr for (name, email): `"Name" <email>`, or
// `Name <email>` when the name needs no quoting. Exposed for tests.
std::string FormatEmailAddress(const std::string& name, const std::string& email);

}  // namespace citadel::modules::base
