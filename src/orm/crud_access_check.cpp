// Odoo 18's access checks as public methods: check_access / has_access (and
// the deprecated check_access_rights / check_access_rule aliases). They only
// ask AccessGuard: model rights, then, for real records, the record rules.
#include <string>

#include "orm/access_guard.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

Operation ParseOperation(std::string_view operation) {
  if (operation == "read") return Operation::kRead;
  if (operation == "write") return Operation::kWrite;
  if (operation == "create") return Operation::kCreate;
  if (operation == "unlink") return Operation::kUnlink;
  // ir.model.access.check's assertion.
  throw ValidationError("Invalid access mode");
}

}  // namespace

void RecordSet::CheckAccess(std::string_view operation) const {
  const Operation op = ParseOperation(operation);
  AccessGuard::CheckModel(*env_, *model_, op);
  AccessGuard::CheckRecords(*env_, *model_, op, ids_);
}

bool RecordSet::HasAccess(std::string_view operation) const {
  const Operation op = ParseOperation(operation);
  if (!AccessGuard::HasModelAccess(*env_, *model_, op)) return false;
  try {
    AccessGuard::CheckRecords(*env_, *model_, op, ids_);
  } catch (const AccessError&) {
    return false;
  }
  return true;
}

bool RecordSet::CheckAccessRights(std::string_view operation, bool raise_exception) const {
  const RecordSet model_only = Browse({});
  if (!raise_exception) return model_only.HasAccess(operation);
  model_only.CheckAccess(operation);
  return true;
}

void RecordSet::CheckAccessRule(std::string_view operation) const { CheckAccess(operation); }

}  // namespace citadel::orm
