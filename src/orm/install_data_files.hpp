// A module's data file as the records the installer loads: access.csv lines
// become ir.model.access records, [[rule]] tables ir.rule records, [[record]]
// tables themselves. Model references become refs to the ir.model rows the
// installer made (`<declaring module>.model_<table>`), so everything loads
// through one path (install_record_loader.hpp).
//
// Rule domains are checked against their model here, with each
// {"var": ...} object (a rule variable the access guard substitutes at check
// time) standing in as a number, so a wrong field name fails at install, not
// on a user's first request. The domain text is stored as written.
//
// Pure (the registry is immutable): thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "orm/module_set.hpp"
#include "orm/registry.hpp"

namespace citadel::orm {

// The external id of the ir.model row of `model`: "<module>.model_<table>",
// the module being the one that declared it.
std::string ModelXmlId(const Model& model);

// The records of `module`'s file `path` (a data or demo path of its
// manifest). kNotFound when the module has no such file; kInvalidArgument
// for a file that does not parse, names unknown models, or holds a bad rule
// domain (the message names the file and the record).
core::Result<std::vector<DataRecord>> DataFileRecords(const Module& module, const std::string& path,
                                                      const Registry& registry);

}  // namespace citadel::orm
