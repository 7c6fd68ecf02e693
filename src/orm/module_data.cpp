#include "orm/module_data.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include <toml++/toml.h>

#include "orm/module_manifest.hpp"

namespace citadel::orm {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr std::size_t kMaxDataBytes = 4 << 20;
constexpr std::size_t kMaxRecords = 50'000;
constexpr int kMaxValueDepth = 8;
constexpr std::size_t kMaxXmlId = 128;

core::Unexpected Bad(const std::string& where, const std::string& what) {
  return Fail(ErrorCode::kInvalidArgument, where + ": " + what);
}

bool IsDataModelName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.' || name.back() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

std::string Two(int value) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d", value);
  return buffer;
}

std::string DateText(const toml::date& d) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(d.year),
                static_cast<int>(d.month), static_cast<int>(d.day));
  return buffer;
}

std::string TimeText(const toml::time& t) {
  return Two(t.hour) + ":" + Two(t.minute) + ":" + Two(t.second);
}

core::Result<Value> ToValue(const toml::node& node, const std::string& where, const std::string& module,
                            int depth);

// `id` qualified with the module, when both it and the result are valid
// external ids (a name near the length limit may not survive the prefix;
// found by the data_toml fuzzer).
std::optional<std::string> QualifiedXmlId(const std::optional<std::string>& id, const std::string& module) {
  if (!id || !IsXmlId(*id)) return std::nullopt;
  std::string qualified = QualifyXmlId(*id, module);
  if (!IsXmlId(qualified)) return std::nullopt;
  return qualified;
}

// {ref = "x"} or {refs = ["x", ...]}: the only tables a value may be.
core::Result<Value> RefValue(const toml::table& table, const std::string& where,
                             const std::string& module) {
  if (table.size() != 1) return Bad(where, "a table value must be { ref = \"...\" } or { refs = [...] }");
  // toml++'s iterator hands out a proxy that lives inside the iterator: keep
  // the iterator alive while the key and node are used (found by the fuzzer).
  const auto first = table.begin();
  const auto& [key, node] = *first;
  if (key.str() == "ref") {
    auto ref = QualifiedXmlId(node.value<std::string>(), module);
    if (!ref) return Bad(where, "ref must be an external id");
    return Value{{"ref", *ref}};
  }
  if (key.str() == "refs") {
    const toml::array* list = node.as_array();
    if (list == nullptr) return Bad(where, "refs must be an array of external ids");
    Value refs = Value::array();
    for (const auto& item : *list) {
      auto ref = QualifiedXmlId(item.value<std::string>(), module);
      if (!ref) return Bad(where, "refs must be an array of external ids");
      refs.push_back(*ref);
    }
    return Value{{"refs", std::move(refs)}};
  }
  return Bad(where, "a table value must be { ref = \"...\" } or { refs = [...] }, not " +
                        std::string(key.str()));
}

core::Result<Value> ToValue(const toml::node& node, const std::string& where, const std::string& module,
                            int depth) {
  if (depth > kMaxValueDepth) return Bad(where, "values nest too deep");
  if (const auto* s = node.as_string()) return Value(s->get());
  if (const auto* i = node.as_integer()) return Value(i->get());
  if (const auto* f = node.as_floating_point()) return Value(f->get());
  if (const auto* b = node.as_boolean()) return Value(b->get());
  if (const auto* d = node.as_date()) return Value(DateText(d->get()));
  if (const auto* dt = node.as_date_time()) {
    if (dt->get().offset && dt->get().offset->minutes != 0) {
      return Bad(where, "date-times are UTC: write them without an offset or with Z");
    }
    return Value(DateText(dt->get().date) + " " + TimeText(dt->get().time));
  }
  if (const auto* array = node.as_array()) {
    Value out = Value::array();
    for (const auto& item : *array) {
      auto value = ToValue(item, where, module, depth + 1);
      if (!value) return value;
      out.push_back(std::move(*value));
    }
    return out;
  }
  if (const auto* table = node.as_table()) return RefValue(*table, where, module);
  return Bad(where, "unsupported value (a time of day?)");
}

core::Result<std::string> RequiredString(const toml::table& t, const char* key, const std::string& where) {
  const toml::node* node = t.get(key);
  auto value = node ? node->value<std::string>() : std::nullopt;
  if (!value || value->empty()) return Bad(where, std::string(key) + " is required and must be a string");
  return *value;
}

core::Result<bool> OptionalBool(const toml::table& t, const char* key, bool fallback,
                                const std::string& where) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return fallback;
  if (const auto* b = node->as_boolean()) return b->get();
  return Bad(where, std::string(key) + " must be true or false");
}

core::Result<void> OnlyKeys(const toml::table& t, const std::set<std::string_view>& keys,
                            const std::string& where) {
  for (const auto& [key, value] : t) {
    if (!keys.contains(key.str())) return Bad(where, "unknown key " + std::string(key.str()));
  }
  return {};
}

// "<source> record <n> (<id>)": the id once known, the position before.
std::string Where(const std::string& source, const char* kind, std::size_t index,
                  const toml::table& t) {
  std::string where = source + " " + kind + " " + std::to_string(index + 1);
  if (auto id = t["id"].value<std::string>()) where += " (" + id->substr(0, kMaxXmlId) + ")";
  return where;
}

core::Result<std::string> XmlIdOf(const toml::table& t, const std::string& module,
                                  const std::string& where) {
  auto id = RequiredString(t, "id", where);
  if (!id) return id;
  auto qualified = QualifiedXmlId(*id, module);
  if (!qualified) return Bad(where, "id is not a valid external id (or too long with its module)");
  return *qualified;
}

core::Result<DataRecord> ParseRecord(const toml::table& t, const std::string& module,
                                     const std::string& where) {
  if (auto ok = OnlyKeys(t, {"id", "model", "noupdate", "values"}, where); !ok) {
    return core::Unexpected(ok.error());
  }
  DataRecord record;
  auto id = XmlIdOf(t, module, where);
  if (!id) return core::Unexpected(id.error());
  record.xml_id = std::move(*id);
  auto model = RequiredString(t, "model", where);
  if (!model) return core::Unexpected(model.error());
  if (!IsDataModelName(*model)) return Bad(where, "model is not a model name");
  record.model = std::move(*model);
  auto noupdate = OptionalBool(t, "noupdate", false, where);
  if (!noupdate) return core::Unexpected(noupdate.error());
  record.noupdate = *noupdate;
  if (const toml::node* values = t.get("values")) {
    const toml::table* table = values->as_table();
    if (table == nullptr) return Bad(where, "values must be a table");
    for (const auto& [key, node] : *table) {
      const std::string field(key.str());
      auto value = ToValue(node, where + " field " + field, module, 1);
      if (!value) return core::Unexpected(value.error());
      record.values[field] = std::move(*value);
    }
  }
  return record;
}

core::Result<RuleRecord> ParseRule(const toml::table& t, const std::string& module,
                                   const std::string& where) {
  if (auto ok = OnlyKeys(t, {"id", "name", "model", "groups", "domain", "perm_read", "perm_write",
                             "perm_create", "perm_unlink"},
                         where);
      !ok) {
    return core::Unexpected(ok.error());
  }
  RuleRecord rule;
  auto id = XmlIdOf(t, module, where);
  if (!id) return core::Unexpected(id.error());
  rule.xml_id = std::move(*id);
  auto name = RequiredString(t, "name", where);
  auto model = RequiredString(t, "model", where);
  if (!name) return core::Unexpected(name.error());
  if (!model) return core::Unexpected(model.error());
  if (!IsDataModelName(*model)) return Bad(where, "model is not a model name");
  rule.name = std::move(*name);
  rule.model = std::move(*model);
  if (const toml::node* groups = t.get("groups")) {
    const toml::array* list = groups->as_array();
    if (list == nullptr) return Bad(where, "groups must be an array of external ids");
    for (const auto& item : *list) {
      auto group = QualifiedXmlId(item.value<std::string>(), module);
      if (!group) return Bad(where, "groups must be an array of external ids");
      rule.groups.push_back(*group);
    }
  }
  rule.domain = "[]";
  if (const toml::node* domain = t.get("domain")) {
    auto text = domain->value<std::string>();
    if (!text) return Bad(where, "domain must be a string holding a JSON domain");
    Value parsed = Value::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_array()) {
      return Bad(where, "domain is not a JSON array (a domain as the API carries it)");
    }
    rule.domain = parsed.dump();
  }
  for (auto [key, flag] : {std::pair{"perm_read", &rule.perm_read}, std::pair{"perm_write", &rule.perm_write},
                           std::pair{"perm_create", &rule.perm_create},
                           std::pair{"perm_unlink", &rule.perm_unlink}}) {
    auto value = OptionalBool(t, key, true, where);
    if (!value) return core::Unexpected(value.error());
    *flag = *value;
  }
  return rule;
}

}  // namespace

std::string QualifyXmlId(const std::string& xml_id, const std::string& module) {
  return xml_id.find('.') == std::string::npos ? module + "." + xml_id : xml_id;
}

bool IsXmlId(std::string_view xml_id) {
  if (xml_id.empty() || xml_id.size() > kMaxXmlId) return false;
  std::string_view name = xml_id;
  if (auto dot = xml_id.find('.'); dot != std::string_view::npos) {
    if (!IsModuleName(std::string(xml_id.substr(0, dot)))) return false;
    name = xml_id.substr(dot + 1);
  }
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

core::Result<DataFile> ParseDataToml(std::string_view text, const std::string& module,
                                     const std::string& source) {
  if (text.size() > kMaxDataBytes) return Bad(source, "data file over 4 MiB");
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Bad(source + " line " + std::to_string(e.source().begin.line), std::string(e.description()));
  }
  DataFile file;
  const bool records = root.contains("record");
  const bool rules = root.contains("rule");
  if (records && rules) return Bad(source, "a data file holds [[record]] or [[rule]] tables, not both");
  if (auto ok = OnlyKeys(root, {"record", "rule"}, source); !ok) return core::Unexpected(ok.error());
  file.kind = rules ? DataFileKind::kRules : DataFileKind::kRecords;
  const char* kind = rules ? "rule" : "record";
  const toml::node* node = root.get(kind);
  if (node == nullptr) return file;  // an empty file loads nothing
  const toml::array* list = node->as_array();
  if (list == nullptr || !list->is_array_of_tables()) {
    return Bad(source, std::string("write [[") + kind + "]] tables");
  }
  if (list->size() > kMaxRecords) return Bad(source, "more than 50,000 records");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::table& t = *list->get(i)->as_table();
    const std::string where = Where(source, kind, i, t);
    if (rules) {
      auto rule = ParseRule(t, module, where);
      if (!rule) return core::Unexpected(rule.error());
      file.rules.push_back(std::move(*rule));
    } else {
      auto record = ParseRecord(t, module, where);
      if (!record) return core::Unexpected(record.error());
      file.records.push_back(std::move(*record));
    }
  }
  return file;
}

}  // namespace citadel::orm
