// Creates or updates one record of a module's data by its external id, the
// way Odoo's _load_records does, through RecordSet in the installer's Sudo
// environment (so defaults, computes and hooks apply):
//   * an unknown xml id: the record is created and the id recorded;
//   * a known one: the fields whose stored value differs from the file's are
//     written (none: nothing is written, so a second run changes nothing);
//   * on an upgrade (the module was installed before), a noupdate record is
//     left as the customer may have edited it, and so is a deleted one;
//   * write-only fields (passwords) are set when the record is created, never
//     rewritten by an upgrade.
// Refs are resolved through the XmlIdIndex. Throws what RecordSet throws, or
// InstallDataError; the installer adds the module, file and record.
//
// Stateless functions; one thread (the Environment's).
#pragma once

#include <set>
#include <string>

#include "orm/environment.hpp"
#include "orm/install_xml_ids.hpp"
#include "orm/module_data.hpp"

namespace citadel::orm {

enum class LoadOutcome { kCreated, kUpdated, kUnchanged, kKept };

struct LoadState {
  XmlIdIndex& ids;
  // The module was installed before this run: noupdate records are kept.
  bool upgrading = false;
  // Xml ids this run has loaded already: a second occurrence is an update,
  // even when noupdate (Odoo lets a later file complete an earlier record).
  std::set<std::string>& loaded;
};

// `record.xml_id` must be qualified.
LoadOutcome LoadRecord(const Environment& env, LoadState& state, const DataRecord& record);

// The subset of `wanted` (resolved values for fields of the record) that
// differs from what `records` (one record) holds now.
Value ChangedValues(const RecordSet& records, const Value& wanted);

}  // namespace citadel::orm
