// The `contacts` module: partner tags (res.partner.category), bank accounts
// (res.partner.bank), and the fields they add to res.partner (category_id,
// bank_ids). In Odoo 18 both models live in base and contacts only adds
// menus; Citadel keeps them here, as its issue asks (docs/orm.md).
//
//   modules.Add(modules::BaseModule());
//   modules.Add(modules::ContactsModule());
//
// Thread-safe, as BaseModule().
#pragma once

#include <map>
#include <string>

#include "orm/module_set.hpp"

namespace citadel::modules {

orm::Module ContactsModule();

namespace contacts {
std::map<std::string, std::string> EmbeddedFiles();

orm::ModelDef ResPartnerCategoryDef();
orm::ModelDef ResPartnerBankDef();
orm::ModelExtension ResPartnerExtension();

// Odoo's sanitize_account_number: the account number without non-word
// characters, upper-cased; "" for "".
std::string SanitizeAccountNumber(const std::string& acc_number);
}  // namespace contacts

}  // namespace citadel::modules
