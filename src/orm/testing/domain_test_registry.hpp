// Test-only: the synthetic registry the domain tests search (unit tests of
// the parser and compiler, the property test, the injection corpus).
//
//   res.partner           name (char), comment (text), color (integer),
//                         credit (float), weight (float, digits 2),
//                         is_company (boolean), birthday (date),
//                         last_seen (datetime), kind (selection), active,
//                         parent_id / child_ids (its hierarchy),
//                         country_id (many2one), main_tag_id (many2one to a
//                         hierarchical model), category_id (many2many),
//                         image (binary), upper_name (computed, not stored),
//                         country_code (related country_id.code)
//   res.country           name, code; no parent, no active
//   res.partner.category  name, active, parent_id / child_ids
//   res.users             login (its rec_name)
//
// Built once, immutable, shared by the tests of a binary; thread-safe.
#pragma once

#include <memory>

#include "orm/registry.hpp"

namespace citadel::orm::testing {

const Registry& DomainTestRegistry();
const Model& TestPartner();   // res.partner
const Model& TestCountry();   // res.country
const Model& TestCategory();  // res.partner.category

}  // namespace citadel::orm::testing
