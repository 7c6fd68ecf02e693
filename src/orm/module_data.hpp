// A module's data files, parsed: the records (and record rules) a module
// installs, before anything touches a database.
//
// Two TOML kinds, told apart by their top-level key (mixing is an error):
//
//   [[record]]                              # data/res_partner.toml
//   id = "main_partner"                     # xml id: "module.name" or module-local
//   model = "res.partner"
//   noupdate = true                         # optional: an upgrade leaves it alone
//   [record.values]
//   name = "My Company"
//   country_id = { ref = "base.us" }        # many2one by external id
//   category_id = { refs = ["tag_a"] }      # x2many: (6, 0, ids)
//
//   [[rule]]                                # security/rules.toml
//   id = "res_partner_rule_private"
//   name = "Private contacts"
//   model = "res.partner"
//   groups = ["base.group_user"]            # empty or absent: a global rule
//   domain = '[["user_id", "=", {"var": "user.id"}]]'   # JSON, as orm's domains
//   perm_read = true                        # each perm_* defaults to true
//
// Parsing is pure and strict: unknown keys are errors naming the file and the
// record; sizes are bounded (4 MiB of text, 50,000 records, nesting depth 8,
// xml ids of at most 128 characters). TOML dates read as "YYYY-MM-DD",
// date-times as "YYYY-MM-DD HH:MM:SS" (UTC, Odoo's format). Module-local xml
// ids and refs are qualified with the declaring module. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

// One record a module installs. Values are as RecordSet::Create takes them,
// except references by external id: a many2one value {"ref": "base.us"}, an
// x2many value {"refs": ["base.group_user", ...]} meaning (6, 0, ids).
struct DataRecord {
  std::string xml_id;  // "module.name", or module-local "name"
  std::string model;
  bool noupdate = false;
  Value values = Value::object();
};

// A record rule (ir.rule) as a module declares it.
struct RuleRecord {
  std::string xml_id;  // qualified
  std::string name;
  std::string model;                // "res.partner"
  std::vector<std::string> groups;  // qualified xml ids; empty: global
  std::string domain;               // compact JSON text of the domain
  bool perm_read = true, perm_write = true, perm_create = true, perm_unlink = true;
};

enum class DataFileKind { kAccessCsv, kRules, kRecords };

// The parsed content of one data file.
struct DataFile {
  DataFileKind kind = DataFileKind::kRecords;
  std::vector<DataRecord> records;  // kRecords
  std::vector<RuleRecord> rules;    // kRules
};

// Parses a `*.toml` data file of `module` ([[record]] or [[rule]]); `source`
// names it in messages ("contacts/data/categories.toml").
core::Result<DataFile> ParseDataToml(std::string_view text, const std::string& module,
                                     const std::string& source);

// "module.name" stays; "name" becomes "<module>.name".
std::string QualifyXmlId(const std::string& xml_id, const std::string& module);

// An xml id Odoo would accept and we can store: [module.]name, module a
// module name, name [A-Za-z0-9_-]+ (no spaces: ir_model_data's check), at
// most 128 characters.
bool IsXmlId(std::string_view xml_id);

}  // namespace citadel::orm
