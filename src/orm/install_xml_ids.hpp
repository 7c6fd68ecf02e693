// The external ids (ir.model.data) of a database during one installation:
// read once at the start, kept in memory, and written through as records
// are created, so resolving a `ref` costs no query.
//
//   XmlIdIndex ids = XmlIdIndex::Load(env);             // env: Sudo, in the install's transaction
//   const XmlIdEntry* e = ids.Find("base.main_company");
//   ids.Put(env, "contacts.tag_vip", "res.partner.category", 7, false);
//   Value vals = ResolveRefs(model, record.values, ids); // {"ref": ...} -> id
//
// Ownership: plain data; borrows the Environment per call. One thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

// A fault in a module's data (unknown ref, wrong model): the installer adds
// where it happened (module, file, record) and reports it.
class InstallDataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct XmlIdEntry {
  std::int64_t data_id = 0;  // the ir.model.data row
  std::string model;
  std::int64_t res_id = 0;
  bool noupdate = false;
};

class XmlIdIndex {
 public:
  // Every row of ir.model.data.
  static XmlIdIndex Load(const Environment& env);

  // The entry of a qualified xml id ("module.name"), or null.
  const XmlIdEntry* Find(const std::string& xml_id) const;
  // The record id of `xml_id`, which must name a record of `model` (any
  // model when empty); InstallDataError otherwise.
  std::int64_t Resolve(const std::string& xml_id, const std::string& model) const;

  // Makes `xml_id` point at (model, res_id) with `noupdate`, creating or
  // rewriting its ir.model.data row only when something differs.
  void Put(const Environment& env, const std::string& xml_id, const std::string& model,
           std::int64_t res_id, bool noupdate);

 private:
  std::map<std::string, XmlIdEntry> entries_;
};

// `values` (a record's values for `model`) with every {"ref": id} replaced by
// the record id and every {"refs": [...]} by [[6, 0, ids]]. A ref of a
// relational field must name a record of the field's comodel.
Value ResolveRefs(const Model& model, const Value& values, const XmlIdIndex& ids);

}  // namespace citadel::orm
