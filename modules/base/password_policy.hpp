// The password policy of a tenant (issue 6, after NIST SP 800-63B): a
// minimum length its admin sets, no composition rules, and no password that
// is easy to guess from a list.
//
//   - at least `auth_password_policy.minlength` characters (Unicode code
//     points; ir.config_parameter, Odoo's auth_password_policy key; default
//     8, clamped to 1..128), at most 128, never truncated;
//   - refused when zxcvbn (Debian's libzxcvbn, zxcvbn-c: its built-in lists
//     of common passwords, words and names, and its keyboard, sequence,
//     repetition and date patterns) estimates fewer than 20 bits of guessing
//     entropy: "password", "P@ssw0rd", "qwertyuiop", "iloveyou123", "19871201",
//     the user's own login or name with a few characters added. Any password
//     that is not such is accepted: "correct horse battery staple",
//     "bluebanana7", "mxkqzpvr".
// The errors are UserErrors that state the rule. An empty password is not a
// password (it disables the login) and is not checked here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "db/connection.hpp"

namespace citadel::modules::base {

inline constexpr int kMaxPasswordLength = 128;
inline constexpr double kMinPasswordEntropyBits = 20.0;

struct PasswordPolicy {
  int min_length = 8;
};

// The tenant's policy (fixed SQL on ir_config_parameter); a missing or
// malformed value is the default.
PasswordPolicy ReadPasswordPolicy(db::Connection& connection);

// Throws orm::UserError saying the rule when `password` breaks it.
// `personal` are words a guesser would try first for this user (login,
// name, e-mail).
void CheckPasswordPolicy(std::string_view password, const PasswordPolicy& policy,
                         const std::vector<std::string>& personal);

}  // namespace citadel::modules::base
