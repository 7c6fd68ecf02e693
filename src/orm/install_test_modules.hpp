// Test-only: small modules for the installer's pg tests, made in C++ the way
// real ones are (manifest, Register function, embedded files):
//   * "base": base's real metadata models (modules/base/models/ir_*.cpp) and
//     a minimal res.users / res.groups / ir.model.access / ir.rule shaped as
//     Odoo 18's, with data creating base.user_root (id 1), base.group_user,
//     base.user_admin (id 2) and an access.csv;
//   * "shop" at version 1 or 2: a model x.tag (v2 adds a column `code`), an
//     extension of res.users (v2), tags with refs, a noupdate record and a
//     record rule. Version 2 adds a record and changes values in the files;
//     version 3 adds stored computes (name_length, related user_login) and
//     a unique constraint on code.
// Extra files can replace or add to shop's (a bad ref, a bad file).
// Test-only; values, any thread.
#pragma once

#include <map>
#include <string>

#include "orm/module_set.hpp"

namespace citadel::orm::install_testing {

Module TestBaseModule();
Module ShopModule(int version, std::map<std::string, std::string> file_overrides = {});
ModuleSet TestModules(int shop_version, std::map<std::string, std::string> file_overrides = {});

}  // namespace citadel::orm::install_testing
