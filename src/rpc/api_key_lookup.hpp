// The stored API keys that could match a presented key, read as Odoo 18's
// res.users.apikeys._check_credentials does: the key's first 8 characters
// are its index, the rest is checked against each candidate's passlib hash
// (PBKDF2-SHA512, 6,000 rounds: the keys are 160 random bits, so no
// dictionary can help an attacker and the rounds only need to be non-zero).
// Only keys of active users, of the wanted scope or of no scope (a global
// key), and not expired count. Fixed SQL with bound parameters on the
// table layout the base module owns (docs/orm.md, "API keys").
//
// Blocks on PostgreSQL; the connection is the caller's (inside its
// transaction when it has one). Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::rpc {

inline constexpr std::size_t kApiKeyIndexChars = 8;
// Odoo's keys are 40 hex characters; anything much longer is no key of ours
// and is not even looked up (a bound on what reaches PBKDF2).
inline constexpr std::size_t kMaxApiKeyChars = 128;
// At most this many candidates share an index (4 random bytes): more would
// be an attack on the lookup, not a coincidence.
inline constexpr int kMaxApiKeyCandidates = 8;

struct ApiKeyCandidate {
  std::int64_t uid = 0;
  std::string hash;  // $pbkdf2-sha512$6000$...
};

// The candidates for `key` in `scope` ("rpc" for the external API), of one
// user when `uid` is set. A key of the wrong length finds nothing.
core::Result<std::vector<ApiKeyCandidate>> FindApiKeyCandidates(db::Connection& connection, std::string_view key,
                                                                std::string_view scope,
                                                                std::optional<std::int64_t> uid = std::nullopt);

// A passlib hash at the API keys' rounds that no key matches: verifying
// against it costs what a real candidate costs, so an unknown key takes as
// long to refuse as a wrong one.
const std::string& DummyApiKeyHash();

}  // namespace citadel::rpc
