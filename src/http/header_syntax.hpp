// Internal to the http layer: the pieces of HTTP's header syntax (RFC 9110,
// section 5.6) that several parsers share. Pure; thread-safe.
#pragma once

#include <string_view>

namespace citadel::http {

// A tchar: a character of a token, which header names and cookie names are.
inline bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// `text` without the optional whitespace (OWS: spaces and tabs) around it.
inline std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace citadel::http
