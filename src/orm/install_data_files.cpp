#include "orm/install_data_files.hpp"

#include "orm/access_csv.hpp"
#include "orm/domain.hpp"
#include "orm/errors.hpp"

namespace citadel::orm {
namespace {

using core::ErrorCode;
using core::Fail;

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string BaseName(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The domain with each {"var": ...} value replaced by a stand-in of the
// right shape (a list after in / not in, else 1), for validation.
Value WithoutVariables(const Value& domain) {
  if (!domain.is_array()) return domain;
  Value out = Value::array();
  for (const auto& item : domain) {
    if (item.is_array() && item.size() == 3 && item[2].is_object() && item[2].contains("var")) {
      const bool list = item[1] == "in" || item[1] == "not in";
      out.push_back(Value::array({item[0], item[1], list ? Value::array({1}) : Value(1)}));
    } else {
      out.push_back(item);
    }
  }
  return out;
}

core::Result<std::vector<DataRecord>> AccessRecords(const Module& module, const std::string& text,
                                                    const std::string& source, const Registry& registry) {
  auto lines = ParseAccessCsv(text, module.manifest.name, source);
  if (!lines) return core::Unexpected(lines.error());
  if (auto ok = ResolveAccessModels(*lines, registry, source); !ok) return core::Unexpected(ok.error());
  std::vector<DataRecord> records;
  for (const auto& line : *lines) {
    DataRecord record;
    record.xml_id = line.xml_id;
    record.model = "ir.model.access";
    record.values = {{"name", line.name},
                     {"model_id", {{"ref", ModelXmlId(*registry.FindModel(line.model))}}},
                     {"group_id", line.group.empty() ? Value(false) : Value{{"ref", line.group}}},
                     {"perm_read", line.read},
                     {"perm_write", line.write},
                     {"perm_create", line.create},
                     {"perm_unlink", line.unlink}};
    records.push_back(std::move(record));
  }
  return records;
}

core::Result<std::vector<DataRecord>> RuleRecords(const std::vector<RuleRecord>& rules,
                                                  const std::string& source, const Registry& registry) {
  std::vector<DataRecord> records;
  for (const auto& rule : rules) {
    const std::string where = source + " rule " + rule.xml_id;
    const Model* model = registry.FindModel(rule.model);
    if (model == nullptr) return Fail(ErrorCode::kInvalidArgument, where + ": unknown model " + rule.model);
    try {
      (void)Domain::Parse(*model, WithoutVariables(Value::parse(rule.domain)));
    } catch (const UserError& e) {
      return Fail(ErrorCode::kInvalidArgument, where + ": bad domain: " + e.what());
    }
    Value groups = Value::array();
    for (const auto& group : rule.groups) groups.push_back(group);
    DataRecord record;
    record.xml_id = rule.xml_id;
    record.model = "ir.rule";
    record.values = {{"name", rule.name},
                     {"model_id", {{"ref", ModelXmlId(*model)}}},
                     {"groups", {{"refs", std::move(groups)}}},
                     {"domain_force", rule.domain},
                     {"perm_read", rule.perm_read},
                     {"perm_write", rule.perm_write},
                     {"perm_create", rule.perm_create},
                     {"perm_unlink", rule.perm_unlink}};
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

std::string ModelXmlId(const Model& model) {
  const std::string module = model.modules().empty() ? "base" : model.modules().front();
  return module + ".model_" + model.table();
}

core::Result<std::vector<DataRecord>> DataFileRecords(const Module& module, const std::string& path,
                                                      const Registry& registry) {
  const std::string source = module.manifest.name + "/" + path;
  auto file = module.files.find(path);
  if (file == module.files.end()) {
    return Fail(ErrorCode::kNotFound, source + ": listed in the manifest but not among the module's files");
  }
  if (EndsWith(path, ".csv")) {
    if (BaseName(path) != "access.csv") {
      return Fail(ErrorCode::kInvalidArgument, source + ": the only CSV data file is access.csv");
    }
    return AccessRecords(module, file->second, source, registry);
  }
  if (!EndsWith(path, ".toml")) {
    return Fail(ErrorCode::kInvalidArgument, source + ": data files are access.csv or *.toml");
  }
  auto parsed = ParseDataToml(file->second, module.manifest.name, source);
  if (!parsed) return core::Unexpected(parsed.error());
  if (parsed->kind == DataFileKind::kRules) return RuleRecords(parsed->rules, source, registry);
  for (const auto& record : parsed->records) {
    if (registry.FindModel(record.model) == nullptr) {
      return Fail(ErrorCode::kInvalidArgument,
                  source + " record " + record.xml_id + ": unknown model " + record.model);
    }
  }
  return std::move(parsed->records);
}

}  // namespace citadel::orm
