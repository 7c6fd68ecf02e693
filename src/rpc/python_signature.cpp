#include "rpc/python_signature.hpp"

#include <charconv>
#include <cmath>

namespace citadel::rpc {
namespace {

// 'a'; 'a' and 'b'; 'a', 'b', and 'c' (Python's own list).
std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    out += "'" + names[i] + "'";
  }
  return out;
}

}  // namespace

std::optional<RpcError> PythonSignature::Missing(const std::vector<std::string>& missing) const {
  if (missing.empty()) return std::nullopt;
  const std::size_t n = missing.size();
  return RpcError::TypeError(function + "() missing " + std::to_string(n) + " required positional argument" +
                             (n == 1 ? "" : "s") + ": " + QuotedList(missing));
}

std::optional<RpcError> PythonSignature::Check(std::size_t given) const {
  const std::size_t required = names.size() - optional;
  if (given < required) {
    return Missing(std::vector<std::string>(names.begin() + static_cast<std::ptrdiff_t>(given),
                                            names.begin() + static_cast<std::ptrdiff_t>(required)));
  }
  if (!varargs && given > names.size()) {
    const std::string takes = optional == 0 ? std::to_string(names.size())
                                            : "from " + std::to_string(required) + " to " +
                                                  std::to_string(names.size());
    return RpcError::TypeError(function + "() takes " + takes + " positional argument" +
                               (names.size() == 1 && optional == 0 ? "" : "s") + " but " +
                               std::to_string(given) + (given == 1 ? " was" : " were") + " given");
  }
  return std::nullopt;
}

std::string PythonTypeName(const orm::Value& value) {
  if (value.is_null()) return "NoneType";
  if (value.is_boolean()) return "bool";
  if (value.is_number_float()) return "float";
  if (value.is_number()) return "int";
  if (value.is_string()) return "str";
  if (value.is_array()) return "list";
  return "dict";
}

std::variant<std::int64_t, RpcError> PythonInt(const orm::Value& value) {
  if (value.is_boolean()) return std::int64_t{value.get<bool>() ? 1 : 0};
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
    return RpcError::Raised(std::isnan(d) ? "builtins.ValueError" : "builtins.OverflowError",
                            std::isnan(d) ? "cannot convert float NaN to integer"
                                          : "cannot convert float infinity to integer");
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    std::size_t begin = text.find_first_not_of(" \t\n\r\f\v");
    std::size_t end = text.find_last_not_of(" \t\n\r\f\v");
    if (begin != std::string::npos) {
      std::string_view digits(text.data() + begin, end - begin + 1);
      const bool negative = digits.starts_with('-');
      if (digits.starts_with('-') || digits.starts_with('+')) digits.remove_prefix(1);
      std::int64_t parsed = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
      if (!digits.empty() && ec == std::errc() && ptr == digits.data() + digits.size()) {
        return negative ? -parsed : parsed;
      }
    }
    std::string shown = text.size() > 200 ? text.substr(0, 200) : text;
    return RpcError::Raised("builtins.ValueError", "invalid literal for int() with base 10: '" + shown + "'");
  }
  return RpcError::TypeError("int() argument must be a string, a bytes-like object or a real number, not '" +
                             PythonTypeName(value) + "'");
}

}  // namespace citadel::rpc
