// res.users.password: what a client writes is the password; what is stored is
// its PBKDF2-SHA512 hash in passlib's format, as Odoo 18's _set_password
// does. Hashing happens in an after_create/after_write hook of the same
// transaction, so the clear text never outlives the call that carried it
// (it is overwritten before commit), and a caller cannot plant a hash of its
// choosing: whatever is written is hashed, a passlib string included.
//
// A non-empty password must meet the tenant's policy first
// (modules/base/password_policy.hpp): a UserError saying the rule otherwise.
//
// Why synchronous here: the ORM has no access to the server's hashing pool;
// the call already runs on a database worker, never on an I/O thread. Moving
// this onto the bounded hashing pool is still to do (issue 6).
#pragma once

#include <cstdint>

#include "orm/model_def.hpp"

namespace citadel::modules::base {

void AddPasswordHashing(orm::ModelDef& users_def, std::uint32_t rounds);

}  // namespace citadel::modules::base
