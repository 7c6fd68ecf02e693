// base's reference data, made at install from Debian's iso-codes package
// (/usr/share/iso-codes/json): countries (ISO 3166-1), their subdivisions
// (ISO 3166-2) and currencies (ISO 4217), as orm::DataRecords for the
// installer (orm::Module::generated_data), never typed by hand.
//
// External ids follow Odoo's: a country is base.<alpha-2 lower case>
// (base.be, base.us; the United Kingdom is base.uk, as Odoo's), a currency
// base.<ISO code> (base.EUR), a subdivision base.state_<country>_<code lower
// case> (base.state_us_ca; Odoo numbers some of its states, state_us_5,
// which a generated list cannot reproduce).
//
// Which subdivisions: those of the countries Odoo 18 ships states for
// (res.country.state.csv), at the level Odoo uses: ISO's top level, except
// where ISO groups the units Odoo lists under regions or nations (be, es, it,
// ie, id, do, gb), where the units without children are taken. Other
// countries get none, as in Odoo, where addresses there have no state.
//
// Currencies: all inactive but USD and EUR, as a new Odoo database shows
// them; symbols are the ISO code (iso-codes has none) except $ and €.
//
// A missing or unreadable file is an error naming the file and the package.
// Pure apart from reading the files; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "orm/module_data.hpp"

namespace citadel::modules::base {

inline constexpr const char* kIsoCodesDirectory = "/usr/share/iso-codes/json";

// Currencies first, then countries, then states (each refers to the previous).
core::Result<std::vector<orm::DataRecord>> IsoCodesData(
    const std::string& directory = kIsoCodesDirectory);

}  // namespace citadel::modules::base
