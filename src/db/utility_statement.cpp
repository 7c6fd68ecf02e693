#include "db/utility_statement.hpp"

#include <cctype>

#include <string>

#include <libpq-fe.h>

#include "db/connection.hpp"

namespace citadel::db {

void UtilityStatementBuilder::Fail(std::string message) {
  if (!error_) error_ = core::Error{core::ErrorCode::kInternal, std::move(message)};
}

UtilityStatementBuilder& UtilityStatementBuilder::Sql(SqlText fragment) {
  text_.append(fragment.view());
  return *this;
}

UtilityStatementBuilder& UtilityStatementBuilder::Name(const Identifier& name) {
  pg_conn* conn = connection_.native_handle();
  if (conn == nullptr) {
    Fail("cannot quote a name without a connection");
    return *this;
  }
  char* quoted = PQescapeIdentifier(conn, name.str().data(), name.str().size());
  if (quoted == nullptr) {
    Fail("cannot quote a name");
    return *this;
  }
  text_.append(quoted);
  PQfreemem(quoted);
  return *this;
}

UtilityStatementBuilder& UtilityStatementBuilder::Integer(std::int64_t value) {
  text_.append(std::to_string(value));
  return *this;
}

UtilityStatementBuilder& UtilityStatementBuilder::PasswordVerifier(const Identifier& role,
                                                                   std::string_view password) {
  pg_conn* conn = connection_.native_handle();
  if (conn == nullptr) {
    Fail("cannot encrypt a password without a connection");
    return *this;
  }
  const std::string clear(password);
  char* verifier = PQencryptPasswordConn(conn, clear.c_str(), role.str().c_str(), "scram-sha-256");
  if (verifier == nullptr) {
    Fail("cannot compute a SCRAM-SHA-256 verifier");
    return *this;
  }
  const std::string_view v(verifier);
  char* literal = PQescapeLiteral(conn, v.data(), v.size());
  PQfreemem(verifier);
  if (literal == nullptr) {
    Fail("cannot quote a password verifier");
    return *this;
  }
  text_.append(literal);
  PQfreemem(literal);
  return *this;
}

UtilityStatementBuilder& UtilityStatementBuilder::SnapshotName(std::string_view snapshot) {
  // <hex>-<hex>[-<decimal>], as PostgreSQL 15 forms it; at most 64 bytes.
  int dashes = 0;
  bool shaped = !snapshot.empty() && snapshot.size() <= 64 && snapshot.front() != '-' && snapshot.back() != '-';
  for (char c : snapshot) {
    if (c == '-') {
      ++dashes;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      shaped = false;
    }
  }
  if (!shaped || dashes < 1 || dashes > 2 || snapshot.find("--") != std::string_view::npos) {
    Fail("not a snapshot name");
    return *this;
  }
  text_.append("'").append(snapshot).append("'");  // hex digits and dashes need no escaping
  return *this;
}

core::Result<UtilityStatement> UtilityStatementBuilder::Build() {
  if (error_) return core::Unexpected(*error_);
  return UtilityStatement(text_);
}

}  // namespace citadel::db
