// API keys, as Odoo 18's res.users.apikeys (res_users.py, APIKeys): a user
// authenticates API calls with a key instead of a password. The model and
// its wizard are in models/res_users_apikeys.cpp; this is the C++ side that
// makes keys and cleans up after them.
//
// A key is 20 random bytes as 40 lowercase hex characters; its first 8
// characters are its `index` (stored in clear, to find the candidates) and
// the whole key is stored only as a passlib PBKDF2-SHA512 hash of 6,000
// rounds (`$pbkdf2-sha512$6000$...`, Odoo's KEY_CRYPT_CONTEXT: the key is
// random, so no dictionary helps and the rounds need not be many). The clear
// key is returned once, by GenerateApiKey, and kept nowhere.
//
// The table, `res_users_apikeys`, is Odoo's exactly and is the contract with
// src/rpc, which looks keys up with fixed SQL (docs/orm.md, "API keys"):
//   id serial primary key, name varchar NOT NULL,
//   user_id integer NOT NULL REFERENCES res_users(id) ON DELETE CASCADE,
//   scope varchar (NULL: any scope), expiration_date timestamp (UTC; NULL:
//   never), index varchar(8) NOT NULL CHECK (char_length(index) = 8),
//   key varchar NOT NULL, create_date timestamp DEFAULT (now() at time zone 'utc');
//   index res_users_apikeys_user_id_index_idx ON (user_id, index).
// `key` and `index` are no fields: nothing of the ORM reads or writes them.
//
// Functions run in the caller's transaction on the Environment's connection
// (one thread at a time, as the Environment); they hold no state.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "orm/environment.hpp"

namespace citadel::modules::base {

inline constexpr std::size_t kApiKeyBytes = 20;  // 40 hex characters
inline constexpr std::size_t kApiKeyIndexChars = 8;
inline constexpr std::uint32_t kApiKeyHashRounds = 6000;
// The longest expiration a user outside base.group_system may choose. Odoo
// takes the largest res.groups.api_key_duration of the user's groups, 1 day
// when none is set (its default); Citadel has no such field yet and allows
// 90 days, the longest of the durations Odoo's wizard offers non-admins.
inline constexpr int kApiKeyMaxDays = 90;
inline constexpr std::size_t kApiKeyMaxNameChars = 256;  // code points
inline constexpr std::size_t kApiKeyMaxScopeChars = 64;

// Odoo's _check_expiration_date, plus: a date must be in the future. In su or
// for a user of base.group_system any future date or none (never expires);
// otherwise a date is required, at most kApiKeyMaxDays from now (the
// database's now(), which the lookup compares with). ValidationError with
// Odoo's words otherwise.
void CheckApiKeyExpiration(const orm::Environment& env,
                           std::optional<std::chrono::sys_seconds> expiration);

// Odoo's res.users.apikeys._generate: a new key for env's user, returned in
// clear (the only time it exists); the row holds its hash. `scope` nullopt
// is a key for any scope (Odoo's None; what the external API accepts);
// `name` is the description shown to the user (not empty, at most
// kApiKeyMaxNameChars); `expiration` in UTC, checked by
// CheckApiKeyExpiration. ValidationError for a bad name, scope or date.
std::string GenerateApiKey(const orm::Environment& env, std::optional<std::string_view> scope,
                           std::string_view name,
                           std::optional<std::chrono::sys_seconds> expiration);

// Odoo's _gc_user_apikeys (an autovacuum): deletes keys whose expiration_date
// has passed. Returns how many. For a scheduler, per tenant.
core::Result<std::int64_t> DeleteExpiredApiKeys(db::Connection& connection);

// Odoo's transient vacuum for the key wizard: deletes
// res.users.apikeys.description rows older than `max_age` (Odoo's
// transient_age_limit, 1 hour). Returns how many.
core::Result<std::int64_t> DeleteStaleApiKeyDescriptions(
    db::Connection& connection, std::chrono::seconds max_age = std::chrono::hours(1));

}  // namespace citadel::modules::base
