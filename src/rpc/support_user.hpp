// The support user of a tenant: the res.users record support staff act as
// inside it (login support@platform, "Support (platform)"), never a customer
// user. Made at the first staff sign-in; at each sign-in it is set active
// with the groups and companies of the tenant's admin (uid 2), so the
// grant's scope (orm/support_scope.hpp), not the groups, decides what staff
// reach. It has no password and no API key: only a staff session opens it.
//
// Runs in the caller's transaction, in su (module-level work of the
// platform, visible here in review). Returns the user's id.
#pragma once

#include <cstdint>

#include "orm/environment.hpp"

namespace citadel::rpc {

std::int64_t EnsureSupportUser(const orm::Environment& env);

}  // namespace citadel::rpc
