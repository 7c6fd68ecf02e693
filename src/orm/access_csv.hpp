// A module's model access rights, `security/access.csv`, in Odoo's own columns:
//
//   id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink
//   access_res_partner_user,res.partner user,model_res_partner,base.group_user,1,0,0,0
//
// (`model_id/id` and `group_id/id` are accepted too, as Odoo does.) An empty
// group means the line applies to every user. External ids without a module
// prefix belong to the declaring module. Model ids follow Odoo's rule
// (`model_` + the model name with '.' -> '_') and are resolved against the
// registry, so a line naming an unknown model fails at start.
//
// Parsing is pure and strict: RFC 4180 quoting, the exact header, 0/1 flags,
// a bounded size. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "orm/registry.hpp"

namespace citadel::orm {

struct AccessRightLine {
  std::string xml_id;    // "contacts.access_res_partner_category_user"
  std::string name;
  std::string model_ref;  // "base.model_res_partner": resolved by ResolveAccessModels
  std::string model;      // "res.partner" once resolved
  std::string group;      // "base.group_user", or empty for everyone
  bool read = false, write = false, create = false, unlink = false;
};

core::Result<std::vector<AccessRightLine>> ParseAccessCsv(const std::string& text,
                                                           const std::string& module,
                                                           const std::string& source);

// Fills `model` of every line from the registry; an unknown model is an error.
core::Result<void> ResolveAccessModels(std::vector<AccessRightLine>& lines, const Registry& registry,
                                       const std::string& source);

// Splits CSV text into rows of fields (RFC 4180: quotes, doubled quotes,
// CRLF or LF line ends). Errors on an unterminated quote.
core::Result<std::vector<std::vector<std::string>>> ParseCsv(const std::string& text);

}  // namespace citadel::orm
