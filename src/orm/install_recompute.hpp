// Stored computed fields new to a table that already has rows: the schema
// sync adds their column empty (SchemaSyncReport::fields_to_compute), and
// this computes them for every existing record, as Odoo 18 does on an
// upgrade (BaseModel._auto_init marks the new column's field to compute on
// every row; Registry.init_models flushes, so the values are there before
// the module's data loads).
//
// Internal to the installer (module_installer.cpp). Runs the compute engine
// (compute_engine.hpp) on the caller's connection and transaction, in su
// with archived records included, a batch of records at a time (keyset
// paging by id), so memory stays bounded on big tables; values the new ones
// affect in turn (other stored computes) are recomputed by the engine's
// cascade. Borrows the Environment for the call; one thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "orm/environment.hpp"
#include "orm/schema_plan.hpp"

namespace citadel::orm {

inline constexpr std::size_t kInstallRecomputeBatch = 1000;

// One line per model done: "x.tag name_length, code_upper on 2504 records".
// A field the registry does not know (it cannot be, the plan comes from the
// same registry) is a std::logic_error; compute errors propagate.
std::vector<std::string> ComputeNewStoredFields(const Environment& env, const std::vector<FieldRef>& fields,
                                                std::size_t batch = kInstallRecomputeBatch);

}  // namespace citadel::orm
