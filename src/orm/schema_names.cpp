#include "orm/schema_names.hpp"

#include <algorithm>
#include <boost/crc.hpp>
#include <cctype>
#include <cstdio>
#include <utility>

namespace citadel::orm {
namespace {

using core::ErrorCode;
using core::Fail;

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// True (and `text` advanced past it) when `text` starts with `keyword`,
// case-insensitively, followed by a non-identifier character.
bool ConsumeKeyword(std::string_view& text, std::string_view keyword) {
  if (text.size() < keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != keyword[i]) return false;
  }
  if (text.size() > keyword.size()) {
    char next = text[keyword.size()];
    if (std::isalnum(static_cast<unsigned char>(next)) || next == '_') return false;
  }
  text.remove_prefix(keyword.size());
  return true;
}

// The same pattern as the registry's field names: what a column may be called.
bool IsColumnName(std::string_view name) {
  if (name.empty() || name.size() > kMaxPostgresNameLength) return false;
  if (!(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

std::string PostgresName(std::string_view name) {
  if (name.size() <= kMaxPostgresNameLength) return std::string(name);
  boost::crc_32_type crc;  // zlib's CRC-32, which Odoo's make_identifier uses
  crc.process_bytes(name.data(), name.size());
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(crc.checksum()));
  return std::string(name.substr(0, 54)) + "_" + hex;
}

std::string IndexNameOf(std::string_view table, std::string_view column) {
  return PostgresName(std::string(table) + "__" + std::string(column) + "_index");
}

std::string SqlConstraintNameOf(std::string_view table, std::string_view key) {
  return PostgresName(std::string(table) + "_" + std::string(key));
}

core::Result<ParsedSqlConstraint> ParseSqlConstraint(std::string_view definition) {
  std::string_view text = Trim(definition);
  ParsedSqlConstraint parsed;
  if (ConsumeKeyword(text, "check")) {
    parsed.kind = ParsedSqlConstraint::Kind::kCheck;
    return parsed;
  }
  if (!ConsumeKeyword(text, "unique")) {
    return Fail(ErrorCode::kInvalidArgument, "unsupported SQL constraint \"" +
                                                 std::string(definition) +
                                                 "\": only unique(...) and check(...)");
  }
  text = Trim(text);
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
    return Fail(ErrorCode::kInvalidArgument, "malformed SQL constraint \"" +
                                                 std::string(definition) +
                                                 "\": expected unique(column, ...)");
  }
  text = text.substr(1, text.size() - 2);
  while (true) {
    auto comma = text.find(',');
    // Unquoted names are case-folded, as PostgreSQL reads them.
    std::string column(Trim(text.substr(0, comma)));
    for (char& c : column) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!IsColumnName(column)) {
      return Fail(ErrorCode::kInvalidArgument, "malformed SQL constraint \"" +
                                                   std::string(definition) + "\": \"" + column +
                                                   "\" is not a column name");
    }
    if (std::find(parsed.columns.begin(), parsed.columns.end(), column) != parsed.columns.end()) {
      return Fail(ErrorCode::kInvalidArgument, "malformed SQL constraint \"" +
                                                   std::string(definition) + "\": column " +
                                                   column + " named twice");
    }
    parsed.columns.push_back(std::move(column));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parsed;
}

}  // namespace citadel::orm
