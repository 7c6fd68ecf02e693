#include "orm/ir_metadata_writer.hpp"

#include <algorithm>

#include "orm/install_data_files.hpp"

namespace citadel::orm {
namespace {

bool HasModule(const Model& model, const std::string& module) {
  const auto& modules = model.modules();
  return std::find(modules.begin(), modules.end(), module) != modules.end();
}

std::string Joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string FieldXmlId(const std::string& module, const Field& field) {
  return module + ".field_" + field.model().table() + "__" + field.name();
}

const char* OnDeleteName(OnDelete ondelete) {
  switch (ondelete) {
    case OnDelete::kCascade: return "cascade";
    case OnDelete::kRestrict: return "restrict";
    case OnDelete::kSetNull: break;
  }
  return "set null";
}

Value FieldValues(const Field& field) {
  const FieldDef& def = field.def();
  const Model& model = field.model();
  Value values = {
      {"name", field.name()},
      {"complete_name", model.name() + "." + field.name()},
      {"model", model.name()},
      {"model_id", {{"ref", ModelXmlId(model)}}},
      {"field_description", def.string.empty() ? field.name() : def.string},
      {"help", def.help.empty() ? Value(false) : Value(def.help)},
      {"ttype", FieldTypeName(field.type())},
      {"relation", field.comodel() ? Value(field.comodel()->name()) : Value(false)},
      {"relation_field", def.inverse_name.empty() ? Value(false) : Value(def.inverse_name)},
      {"required", def.required},
      {"readonly", field.readonly()},
      {"store", field.stored()},
      {"index", def.index},
      {"copied", def.copy.value()},
      {"size", def.size ? *def.size : 0},
      {"related", def.related.empty() ? Value(false) : Value(def.related)},
      {"depends", def.depends.empty() ? Value(false) : Value(Joined(def.depends, ","))},
      {"compute", def.compute.empty() ? Value(false) : Value(def.compute)},
      {"currency_field", def.currency_field.empty() ? Value(false) : Value(def.currency_field)},
      {"on_delete", field.type() == FieldType::kMany2one ? Value(OnDeleteName(def.ondelete)) : Value(false)},
      {"state", "base"},
      {"modules", field.module()},
  };
  if (field.type() == FieldType::kMany2many) {
    values["relation_table"] = def.relation;
    values["column1"] = def.column1;
    values["column2"] = def.column2;
  } else {
    values["relation_table"] = false;
    values["column1"] = false;
    values["column2"] = false;
  }
  return values;
}

}  // namespace

std::string OrderText(const Model& model) {
  std::string text;
  for (const OrderTerm& term : model.default_order()) {
    if (!text.empty()) text += ", ";
    text += term.field->name();
    if (term.descending) text += " desc";
    if (term.nulls == OrderTerm::Nulls::kFirst) text += " nulls first";
    if (term.nulls == OrderTerm::Nulls::kLast) text += " nulls last";
  }
  return text.empty() ? "id" : text;
}

DataRecord ModuleRecord(const ModuleManifest& manifest) {
  DataRecord record;
  record.xml_id = "base.module_" + manifest.name;
  record.model = "ir.module.module";
  record.values = {{"name", manifest.name},
                   {"shortdesc", manifest.summary.empty() ? manifest.name : manifest.summary},
                   {"summary", manifest.summary.empty() ? Value(false) : Value(manifest.summary)},
                   {"state", "installed"},
                   {"latest_version", manifest.version}};
  return record;
}

std::vector<DataRecord> ModelRecords(const Registry& registry, const std::string& module) {
  std::vector<DataRecord> records;
  for (const auto& model : registry.models()) {
    if (model->modules().empty() || model->modules().front() != module) continue;
    DataRecord record;
    record.xml_id = ModelXmlId(*model);
    record.model = "ir.model";
    record.values = {{"model", model->name()},
                     {"name", model->description().empty() ? model->name() : model->description()},
                     {"order", OrderText(*model)},
                     {"modules", Joined(model->modules(), ", ")},
                     {"transient", false},
                     {"state", "base"}};
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<std::pair<std::string, std::string>> ExtendedModelXmlIds(const Registry& registry,
                                                                     const std::string& module) {
  std::vector<std::pair<std::string, std::string>> aliases;
  for (const auto& model : registry.models()) {
    if (model->modules().empty() || model->modules().front() == module) continue;
    if (!HasModule(*model, module)) continue;
    aliases.emplace_back(module + ".model_" + model->table(), ModelXmlId(*model));
  }
  return aliases;
}

std::vector<DataRecord> ExtendedModelRecords(const Registry& registry, const std::string& module) {
  std::vector<DataRecord> records;
  for (const auto& model : registry.models()) {
    if (model->modules().empty() || model->modules().front() == module) continue;
    if (!HasModule(*model, module)) continue;
    DataRecord record;
    record.xml_id = ModelXmlId(*model);
    record.model = "ir.model";
    record.values = {{"modules", Joined(model->modules(), ", ")}};
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<DataRecord> FieldRecords(const Registry& registry, const std::string& module) {
  std::vector<DataRecord> records;
  for (const auto& model : registry.models()) {
    for (const auto& field : model->fields()) {
      if (field->module() != module) continue;
      DataRecord record;
      record.xml_id = FieldXmlId(module, *field);
      record.model = "ir.model.fields";
      record.values = FieldValues(*field);
      records.push_back(std::move(record));
    }
  }
  return records;
}

std::vector<DataRecord> FieldGroupRecords(const Registry& registry, const std::string& module) {
  std::vector<DataRecord> records;
  for (const auto& model : registry.models()) {
    for (const auto& field : model->fields()) {
      if (field->module() != module || field->def().groups.empty()) continue;
      Value refs = Value::array();
      for (const auto& group : field->def().groups) refs.push_back(group);
      DataRecord record;
      record.xml_id = FieldXmlId(module, *field);
      record.model = "ir.model.fields";
      record.values = {{"groups", {{"refs", std::move(refs)}}}};
      records.push_back(std::move(record));
    }
  }
  return records;
}

}  // namespace citadel::orm
