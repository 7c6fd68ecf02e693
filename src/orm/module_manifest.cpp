#include "orm/module_manifest.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <toml++/toml.h>

namespace citadel::orm {
namespace {

using core::ErrorCode;
using core::Fail;

// A data path stays inside its module: relative, no "..", no odd characters.
bool IsSafeRelativePath(const std::string& path) {
  if (path.empty() || path.size() > 255 || path.front() == '/') return false;
  if (path.find("..") != std::string::npos || path.find("//") != std::string::npos) return false;
  return std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '/';
  });
}

core::Result<std::vector<std::string>> StringList(const toml::table& t, const char* key,
                                                  const std::string& source) {
  std::vector<std::string> out;
  const toml::node* node = t.get(key);
  if (!node) return out;
  const toml::array* arr = node->as_array();
  if (!arr) return Fail(ErrorCode::kInvalidArgument, source + ": " + key + " must be an array of strings");
  for (const auto& item : *arr) {
    auto s = item.value<std::string>();
    if (!s) return Fail(ErrorCode::kInvalidArgument, source + ": " + key + " must be an array of strings");
    out.push_back(*s);
  }
  return out;
}

}  // namespace

bool IsModuleName(const std::string& name) {
  if (name.empty() || name.size() > 64 || !std::islower(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

core::Result<ModuleManifest> ParseModuleManifest(const std::string& toml_text, const std::string& source) {
  toml::table t;
  try {
    t = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument, source + " line " + std::to_string(e.source().begin.line) +
                                                 ": " + std::string(e.description()));
  }
  static const std::set<std::string> kKeys = {"name", "version", "summary", "depends", "data", "demo"};
  for (const auto& [key, value] : t) {
    if (!kKeys.count(std::string(key.str()))) {
      return Fail(ErrorCode::kInvalidArgument, source + ": unknown key " + std::string(key.str()));
    }
  }
  ModuleManifest m;
  m.name = t["name"].value_or(std::string());
  m.version = t["version"].value_or(std::string());
  m.summary = t["summary"].value_or(std::string());
  if (!IsModuleName(m.name)) return Fail(ErrorCode::kInvalidArgument, source + ": bad or missing module name");
  if (m.version.empty()) return Fail(ErrorCode::kInvalidArgument, source + ": missing version");
  auto depends = StringList(t, "depends", source);
  auto data = StringList(t, "data", source);
  auto demo = StringList(t, "demo", source);
  if (!depends) return core::Unexpected(depends.error());
  if (!data) return core::Unexpected(data.error());
  if (!demo) return core::Unexpected(demo.error());
  for (const auto& d : *depends) {
    if (!IsModuleName(d)) return Fail(ErrorCode::kInvalidArgument, source + ": bad dependency name " + d);
  }
  for (const auto* list : {&*data, &*demo}) {
    for (const auto& p : *list) {
      if (!IsSafeRelativePath(p)) return Fail(ErrorCode::kInvalidArgument, source + ": bad data path " + p);
    }
  }
  m.depends = std::move(*depends);
  m.data = std::move(*data);
  m.demo = std::move(*demo);
  return m;
}

}  // namespace citadel::orm
