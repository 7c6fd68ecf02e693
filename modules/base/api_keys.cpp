#include "modules/base/api_keys.hpp"

#include <cstdio>
#include <string>

#include "core/password_hasher.hpp"
#include "core/random.hpp"
#include "core/utf8.hpp"
#include "modules/base/models/group_membership.hpp"
#include "modules/base/utc_datetime.hpp"
#include "orm/errors.hpp"

namespace citadel::modules::base {
namespace {

bool Blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The transaction's now() in UTC, as the lookup's `now() at time zone 'utc'`.
std::chrono::sys_seconds DatabaseNow(const orm::Environment& env) {
  auto now = env.connection().Execute("SELECT floor(extract(epoch FROM now()))::int8 AS now");
  if (!now) throw orm::DatabaseError(now.error());
  return std::chrono::sys_seconds(std::chrono::seconds(std::stoll(now->Text(0, "now"))));
}

core::Result<std::int64_t> Count(core::Result<db::QueryResult> deleted) {
  if (!deleted) return core::Unexpected(deleted.error());
  return static_cast<std::int64_t>(deleted->affected_rows());
}

}  // namespace

void CheckApiKeyExpiration(const orm::Environment& env,
                           std::optional<std::chrono::sys_seconds> expiration) {
  const bool system = IsSystem(env);
  if (!expiration) {
    if (system) return;
    throw orm::ValidationError("The API key must have an expiration date");
  }
  const std::chrono::sys_seconds now = DatabaseNow(env);
  if (*expiration <= now)
    throw orm::ValidationError("The API key's expiration date must be in the future.");
  if (!system && *expiration > now + std::chrono::days(kApiKeyMaxDays)) {
    throw orm::ValidationError("You cannot exceed " + std::to_string(kApiKeyMaxDays) + " days.");
  }
}

std::string GenerateApiKey(const orm::Environment& env, std::optional<std::string_view> scope,
                           std::string_view name,
                           std::optional<std::chrono::sys_seconds> expiration) {
  if (Blank(name)) throw orm::ValidationError("The API key needs a description (its name).");
  if (core::Utf8CodePoints(name) > kApiKeyMaxNameChars) {
    throw orm::ValidationError("The API key's description is too long (at most " +
                               std::to_string(kApiKeyMaxNameChars) + " characters).");
  }
  if (scope && (Blank(*scope) || scope->size() > kApiKeyMaxScopeChars)) {
    throw orm::ValidationError("The API key's scope must be a short name (at most " +
                               std::to_string(kApiKeyMaxScopeChars) + " characters) or none.");
  }
  CheckApiKeyExpiration(env, expiration);

  std::string key = core::RandomHex(kApiKeyBytes);
  const std::string hash = core::PasswordHasher(kApiKeyHashRounds).Hash(key);
  const db::Param scope_param = scope ? db::Param(std::string(*scope)) : db::Param();
  const db::Param expiration_param =
      expiration ? db::Param(FormatUtcDatetime(*expiration)) : db::Param();
  auto inserted = env.connection().Execute(
      "INSERT INTO res_users_apikeys (name, user_id, scope, expiration_date, key, index) "
      "VALUES ($1, $2, $3, $4::timestamp, $5, $6)",
      std::string(name), env.uid(), scope_param, expiration_param, hash,
      key.substr(0, kApiKeyIndexChars));
  if (!inserted) throw orm::DatabaseError(inserted.error());
  return key;
}

core::Result<std::int64_t> DeleteExpiredApiKeys(db::Connection& connection) {
  return Count(
      connection.Execute("DELETE FROM res_users_apikeys WHERE expiration_date IS NOT NULL "
                         "AND expiration_date < now() at time zone 'utc'"));
}

core::Result<std::int64_t> DeleteStaleApiKeyDescriptions(db::Connection& connection,
                                                         std::chrono::seconds max_age) {
  return Count(
      connection.Execute("DELETE FROM res_users_apikeys_description "
                         "WHERE coalesce(write_date, create_date) < (now() at time zone 'utc') - "
                         "make_interval(secs => $1)",
                         static_cast<std::int64_t>(max_age.count())));
}

}  // namespace citadel::modules::base
