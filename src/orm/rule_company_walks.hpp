// The child_of / parent_of terms of a record rule that walk the company
// tree, resolved from the tree the SecurityCache holds (company_tree.hpp):
// ('company_id', 'parent_of', [3]) becomes ('company_id', 'in', [1, 3]) when
// company 3's parent is 1. The SQL walk (a recursive CTE, domain_compiler.hpp)
// would give the same rows; this saves PostgreSQL planning and running it on
// every call.
//
// Only top-level terms whose field is the model's own many2one to
// res.company, and whose value is one id or a list of ids (names, as Odoo
// allows, are left to the SQL walk); everything else is returned as it was.
// The walk over a many2one to another model ignores `active`, as the SQL one.
#pragma once

#include "orm/company_tree.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

Value ResolveCompanyWalks(const Model& model, const Value& domain, const CompanyTree& tree);

}  // namespace citadel::orm
