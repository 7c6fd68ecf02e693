#include "orm/install_xml_ids.hpp"

#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

std::pair<std::string, std::string> Split(const std::string& xml_id) {
  const auto dot = xml_id.find('.');
  if (dot == std::string::npos) throw InstallDataError("external id " + xml_id + " has no module");
  return {xml_id.substr(0, dot), xml_id.substr(dot + 1)};
}

bool IsRef(const Value& v) { return v.is_object() && v.size() == 1 && v.contains("ref"); }
bool IsRefs(const Value& v) { return v.is_object() && v.size() == 1 && v.contains("refs"); }

Value ResolveNested(const Value& value, const XmlIdIndex& ids, const std::string& comodel) {
  if (IsRef(value)) return ids.Resolve(value["ref"].get<std::string>(), comodel);
  if (IsRefs(value)) {
    Value list = Value::array();
    for (const auto& ref : value["refs"]) list.push_back(ids.Resolve(ref.get<std::string>(), comodel));
    return Value::array({Value::array({6, 0, std::move(list)})});
  }
  if (value.is_object()) {
    throw InstallDataError("a value object must be {\"ref\": ...} or {\"refs\": [...]}");
  }
  if (value.is_array()) {
    Value out = Value::array();
    // Refs nested in commands ([4, {"ref": ...}]) name records of the comodel too.
    for (const auto& item : value) out.push_back(ResolveNested(item, ids, comodel));
    return out;
  }
  return value;
}

}  // namespace

XmlIdIndex XmlIdIndex::Load(const Environment& env) {
  XmlIdIndex index;
  RecordSet data = RecordSet::Of(env, "ir.model.data");
  const auto ids = data.Search(Value::array());
  if (ids.empty()) return index;
  const Value rows = data.Browse(ids).Read({"module", "name", "model", "res_id", "noupdate"});
  for (const auto& row : rows) {
    XmlIdEntry entry;
    entry.data_id = row["id"].get<std::int64_t>();
    entry.model = row["model"].is_string() ? row["model"].get<std::string>() : "";
    entry.res_id = row["res_id"].get<std::int64_t>();
    entry.noupdate = row["noupdate"].get<bool>();
    const std::string module = row["module"].is_string() ? row["module"].get<std::string>() : "";
    index.entries_[module + "." + row["name"].get<std::string>()] = std::move(entry);
  }
  return index;
}

const XmlIdEntry* XmlIdIndex::Find(const std::string& xml_id) const {
  auto it = entries_.find(xml_id);
  return it == entries_.end() ? nullptr : &it->second;
}

std::int64_t XmlIdIndex::Resolve(const std::string& xml_id, const std::string& model) const {
  const XmlIdEntry* entry = Find(xml_id);
  if (entry == nullptr) throw InstallDataError("unknown external id " + xml_id);
  if (!model.empty() && entry->model != model) {
    throw InstallDataError("external id " + xml_id + " is a " + entry->model + ", not a " + model);
  }
  return entry->res_id;
}

void XmlIdIndex::Put(const Environment& env, const std::string& xml_id, const std::string& model,
                     std::int64_t res_id, bool noupdate) {
  RecordSet data = RecordSet::Of(env, "ir.model.data");
  auto it = entries_.find(xml_id);
  if (it != entries_.end()) {
    XmlIdEntry& entry = it->second;
    if (entry.model == model && entry.res_id == res_id && entry.noupdate == noupdate) return;
    data.Browse({entry.data_id}).Write({{"model", model}, {"res_id", res_id}, {"noupdate", noupdate}});
    entry.model = model;
    entry.res_id = res_id;
    entry.noupdate = noupdate;
    return;
  }
  const auto [module, name] = Split(xml_id);
  XmlIdEntry entry;
  entry.data_id = data.Create({{"module", module}, {"name", name}, {"model", model},
                               {"res_id", res_id}, {"noupdate", noupdate}})
                      .at(0);
  entry.model = model;
  entry.res_id = res_id;
  entry.noupdate = noupdate;
  entries_.emplace(xml_id, std::move(entry));
}

Value ResolveRefs(const Model& model, const Value& values, const XmlIdIndex& ids) {
  if (!values.is_object()) throw InstallDataError("values must be a table of fields");
  Value out = Value::object();
  for (const auto& [name, value] : values.items()) {
    const Field* field = model.FindField(name);
    if (field == nullptr) {
      throw InstallDataError("model " + model.name() + " has no field " + name);
    }
    const std::string comodel = field->comodel() ? field->comodel()->name() : "";
    try {
      out[name] = ResolveNested(value, ids, comodel);
    } catch (const InstallDataError& e) {
      throw InstallDataError("field " + name + ": " + e.what());
    }
  }
  return out;
}

}  // namespace citadel::orm
