// Connection strings: parsing (libpq's own parser) and formatting with
// correct quoting, so a socket path with a space or a password with a quote
// cannot change the meaning of a DSN.
//
// DSNs often hold passwords: nothing here logs, and parse errors never echo
// the input. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace citadel::db {

using ConnInfo = std::vector<std::pair<std::string, std::string>>;

// The set options of a "key=value" or URI connection string.
core::Result<ConnInfo> ParseConnInfo(const std::string& dsn);

// Sets `key` to `value`, replacing an earlier value.
void SetConnOption(ConnInfo& info, std::string_view key, std::string value);

// The options as "key='value' ..." (values quoted and escaped).
std::string FormatConnInfo(const ConnInfo& info);

}  // namespace citadel::db
