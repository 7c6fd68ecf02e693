#include "db/conninfo.hpp"

#include <libpq-fe.h>

namespace citadel::db {

core::Result<ConnInfo> ParseConnInfo(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options == nullptr) {
    // libpq's message may quote the malformed part, which may be a password.
    if (error != nullptr) PQfreemem(error);
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "the PostgreSQL connection string cannot be parsed");
  }
  ConnInfo info;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && *o->val != '\0') info.emplace_back(o->keyword, o->val);
  }
  PQconninfoFree(options);
  return info;
}

void SetConnOption(ConnInfo& info, std::string_view key, std::string value) {
  for (auto& [k, v] : info) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  info.emplace_back(std::string(key), std::move(value));
}

std::string FormatConnInfo(const ConnInfo& info) {
  std::string out;
  for (const auto& [key, value] : info) {
    if (!out.empty()) out.push_back(' ');
    out.append(key).append("='");
    for (char c : value) {
      if (c == '\'' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('\'');
  }
  return out;
}

}  // namespace citadel::db
