#include "orm/method_arguments.hpp"

#include "orm/method_dispatch.hpp"

namespace citadel::orm::method_arguments {
namespace {

std::string Qualified(std::string_view method) { return "BaseModel." + std::string(method) + "()"; }

// Python's list of names: 'a', 'a' and 'b', 'a', 'b', and 'c'.
std::string NameList(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    out += "'" + std::string(names[i]) + "'";
  }
  return out;
}

[[noreturn]] void Wrong(std::string_view method, std::string_view parameter, const char* wanted) {
  throw ArgumentError(Qualified(method) + " argument '" + std::string(parameter) + "' must be " + wanted);
}

}  // namespace

std::vector<Value> Bind(std::string_view method, std::span<const Parameter> parameters,
                        const Value& args, const Value& kwargs) {
  if (!args.is_array() && !args.is_null()) throw ArgumentError("args must be a list");
  if (!kwargs.is_object() && !kwargs.is_null()) throw ArgumentError("kwargs must be a dictionary");
  const std::size_t given = args.is_array() ? args.size() : 0;
  std::size_t required = 0;
  for (const auto& p : parameters) required += p.fallback ? 0 : 1;
  if (given > parameters.size()) {
    // Python counts self.
    const std::size_t most = parameters.size() + 1;
    std::string takes = required == parameters.size()
                            ? std::to_string(most) + (most == 1 ? " positional argument" : " positional arguments")
                            : "from " + std::to_string(required + 1) + " to " + std::to_string(most) +
                                  " positional arguments";
    throw ArgumentError(Qualified(method) + " takes " + takes + " but " + std::to_string(given + 1) +
                        (given + 1 == 1 ? " was" : " were") + " given");
  }
  std::vector<std::optional<Value>> bound(parameters.size());
  for (std::size_t i = 0; i < given; ++i) bound[i] = args[i];
  if (kwargs.is_object()) {
    for (const auto& [key, value] : kwargs.items()) {
      std::size_t index = parameters.size();
      for (std::size_t i = 0; i < parameters.size(); ++i) {
        if (parameters[i].name == key) index = i;
      }
      if (index == parameters.size()) {
        throw ArgumentError(Qualified(method) + " got an unexpected keyword argument '" + key + "'");
      }
      if (bound[index]) {
        throw ArgumentError(Qualified(method) + " got multiple values for argument '" + key + "'");
      }
      bound[index] = value;
    }
  }
  std::vector<std::string_view> missing;
  std::vector<Value> values;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (bound[i]) {
      values.push_back(*bound[i]);
    } else if (parameters[i].fallback) {
      values.push_back(*parameters[i].fallback);
    } else {
      missing.push_back(parameters[i].name);
    }
  }
  if (!missing.empty()) {
    throw ArgumentError(Qualified(method) + " missing " + std::to_string(missing.size()) +
                        " required positional argument" + (missing.size() == 1 ? "" : "s") + ": " +
                        NameList(missing));
  }
  return values;
}

bool Falsy(const Value& value) {
  return value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
         (value.is_number() && value == 0) || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
         ((value.is_array() || value.is_object()) && value.empty());
}

std::vector<std::string> Strings(std::string_view method, std::string_view parameter, const Value& value) {
  std::vector<std::string> out;
  if (Falsy(value)) return out;
  if (value.is_string()) return {value.get<std::string>()};  // Odoo accepts one name alone
  if (!value.is_array()) Wrong(method, parameter, "a list of names");
  for (const Value& item : value) {
    if (!item.is_string()) Wrong(method, parameter, "a list of names");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::int64_t Integer(std::string_view method, std::string_view parameter, const Value& value) {
  if (Falsy(value)) return 0;
  if (!value.is_number_integer()) Wrong(method, parameter, "an integer");
  return value.get<std::int64_t>();
}

std::optional<std::int64_t> Limit(std::string_view method, std::string_view parameter, const Value& value) {
  if (value.is_null() || (value.is_boolean() && !value.get<bool>())) return std::nullopt;
  if (!value.is_number_integer()) Wrong(method, parameter, "an integer or None");
  if (value == 0) return std::nullopt;  // Odoo: a limit of 0 is no limit
  return value.get<std::int64_t>();
}

std::string Text(std::string_view method, std::string_view parameter, const Value& value) {
  if (Falsy(value)) return "";
  if (!value.is_string()) Wrong(method, parameter, "a string");
  return value.get<std::string>();
}

std::vector<std::int64_t> Ids(std::string_view method, const Value& value) {
  if (Falsy(value)) return {};
  if (value.is_number_integer()) return {value.get<std::int64_t>()};
  std::vector<std::int64_t> ids;
  if (value.is_array()) {
    for (const Value& id : value) {
      if (!id.is_number_integer()) Wrong(method, "ids", "an id or a list of ids");
      ids.push_back(id.get<std::int64_t>());
    }
    return ids;
  }
  Wrong(method, "ids", "an id or a list of ids");
}

}  // namespace citadel::orm::method_arguments
