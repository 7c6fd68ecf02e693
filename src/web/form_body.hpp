// The fields of an HTML form as browsers send them
// (application/x-www-form-urlencoded, in a POST body or a GET query):
// name=value pairs joined by '&', '+' for a space, %XX escapes.
//
// Bounded, so a form can never cost more than its size: at most
// kMaxFormFields fields, names of at most kMaxFormNameBytes, values of at most
// kMaxFormValueBytes; a malformed escape, a repeated name or a NUL byte is
// refused with a message saying what was wrong (nothing is half-read). The
// body itself is bounded by the route (kMaxFormBodyBytes). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace citadel::web {

inline constexpr std::size_t kMaxFormBodyBytes = 16 * 1024;
inline constexpr std::size_t kMaxFormFields = 32;
inline constexpr std::size_t kMaxFormNameBytes = 64;
inline constexpr std::size_t kMaxFormValueBytes = 4096;

class FormFields {
 public:
  static core::Result<FormFields> Parse(std::string_view encoded);

  // The field's value, or "" when absent.
  std::string Get(std::string_view name) const;
  bool Has(std::string_view name) const { return fields_.find(name) != fields_.end(); }

 private:
  std::map<std::string, std::string, std::less<>> fields_;
};

}  // namespace citadel::web
