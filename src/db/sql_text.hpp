// SqlText: the only way to hand SQL text to the db layer.
//
// Why: SQL injection is impossible when no statement text can ever be made
// from input. SqlText has a consteval constructor, so it can be built only
// from a string literal known at compile time; values travel separately as
// bound parameters ($1, $2...). A std::string (user input, a concatenation)
// does not convert, and the compiler says so.
//
// DDL that needs identifiers (CREATE DATABASE, CREATE ROLE) cannot take
// parameters; it is composed in utility_statement.hpp under stricter rules.
//
// A trivially copyable view of static storage: thread-safe, owns nothing.
#pragma once

#include <string_view>

namespace citadel::db {

class SqlText {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): implicit on purpose, so
  // `conn.Execute("SELECT $1", x)` reads naturally; consteval keeps it safe.
  consteval SqlText(const char* literal) : text_(literal) {
    // Byte 0x01 marks a parameter's place inside ComposedSql; a literal
    // holding it does not compile (a throw in a consteval function).
    for (const char* c = literal; *c != '\0'; ++c) {
      if (*c == '\x01') throw "SqlText: byte 0x01 is reserved";
    }
  }

  std::string_view view() const { return text_; }
  const char* c_str() const { return text_; }

 private:
  const char* text_;
};

}  // namespace citadel::db
