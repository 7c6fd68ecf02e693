// SupportScope: what a support grant (platform/support_grants.hpp) lets a
// staff member do inside a tenant, carried by the Environment of every call
// the staff member makes (Environment::WithSupportScope) and enforced by
// AccessGuard, the one enforcement point, on top of the support user's
// access rights and record rules:
//
//   - models of the grant only (in the caller's own operations; the ORM's
//     own reads in su, such as a many2one's display name, are not the
//     caller's and stay allowed);
//   - a read-only grant refuses every write, create and unlink, in su too,
//     so no method can write on the caller's behalf;
//   - never, whatever the grant: secrets' models (API keys and their wizard,
//     TOTP) and the platform's own (citadel.*: the support grants and audit
//     themselves, backups, whose downloads hold every password hash), in su
//     too;
//   - never written, whatever the grant: the models that decide who may do
//     what or sign in (users, groups, access rights, rules, system
//     parameters, the model registry), so staff cannot give themselves more
//     or take over an account through its e-mail;
//   - write-only fields (passwords, secrets) are never written (AccessGuard::
//     CheckFields), as they are never read by anyone.
//
// Immutable; shared between the copies of one call's Environment.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citadel::orm {

struct SupportScope {
  bool read_write = false;
  std::vector<std::string> models;  // the grant's models

  // Why the operation is refused (an AccessError's message), or nullopt.
  // `writes`: write, create or unlink; `su`: the ORM's own work in su.
  std::optional<std::string> Refusal(std::string_view model, bool writes, bool su) const;
};

// Models support staff can never reach, and models they can never change.
bool IsSupportSecretModel(std::string_view model);
bool IsSupportProtectedModel(std::string_view model);

}  // namespace citadel::orm
