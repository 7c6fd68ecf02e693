// Short, readable field declarations for the modules' ModelDefs:
//
//   Char("name").Required().Index()
//   Many2one("parent_id", "res.partner").String("Related Company").Index()
//   Many2many("groups_id", "res.groups", "res_groups_users_rel", "uid", "gid")
//
// A FieldBuilder is plain data around an orm::FieldDef and converts to it; it
// checks nothing (the RegistryBuilder does, when the registry is built).
// Header-only, no state: usable from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "orm/field.hpp"
#include "orm/model_def.hpp"

namespace citadel::modules::fields {

using orm::FieldDef;
using orm::FieldType;
using orm::OnDelete;
using orm::Value;

class FieldBuilder {
 public:
  FieldBuilder(std::string name, FieldType type) {
    def_.name = std::move(name);
    def_.type = type;
    // Odoo: one2many fields are not copied by copy().
    if (type == FieldType::kOne2many) def_.copy = false;
  }
  FieldBuilder& String(std::string label) { def_.string = std::move(label); return *this; }
  FieldBuilder& Help(std::string help) { def_.help = std::move(help); return *this; }
  FieldBuilder& Required() { def_.required = true; return *this; }
  FieldBuilder& Readonly() { def_.readonly = true; return *this; }
  // readonly=False on a related or computed field (written through / inverted).
  FieldBuilder& Writable() { def_.readonly = false; return *this; }
  FieldBuilder& Index() { def_.index = true; return *this; }
  FieldBuilder& NoCopy() { def_.copy = false; return *this; }
  FieldBuilder& WriteOnly() { def_.write_only = true; return *this; }
  FieldBuilder& Size(int size) { def_.size = size; return *this; }
  FieldBuilder& Digits(int precision, int scale) {
    def_.digits = std::make_pair(precision, scale);
    return *this;
  }
  FieldBuilder& Default(Value value) {
    def_.default_value = orm::FieldDefault{std::move(value), {}};
    return *this;
  }
  FieldBuilder& DefaultFrom(std::function<Value(const orm::Environment&)> function) {
    def_.default_value = orm::FieldDefault{std::nullopt, std::move(function)};
    return *this;
  }
  FieldBuilder& Options(std::vector<std::pair<std::string, std::string>> selection) {
    def_.selection = std::move(selection);
    return *this;
  }
  FieldBuilder& Comodel(std::string comodel) { def_.comodel = std::move(comodel); return *this; }
  FieldBuilder& InverseName(std::string field) { def_.inverse_name = std::move(field); return *this; }
  FieldBuilder& Relation(std::string table, std::string column1, std::string column2) {
    def_.relation = std::move(table);
    def_.column1 = std::move(column1);
    def_.column2 = std::move(column2);
    return *this;
  }
  FieldBuilder& Ondelete(OnDelete rule) { def_.ondelete = rule; return *this; }
  FieldBuilder& Groups(std::vector<std::string> groups) {
    def_.groups = std::move(groups);
    return *this;
  }
  FieldBuilder& Related(std::string path) { def_.related = std::move(path); return *this; }
  // A computed field: `method` names an entry of the ModelDef's computes.
  FieldBuilder& Compute(std::string method, std::vector<std::string> depends, bool store) {
    def_.compute = std::move(method);
    def_.depends = std::move(depends);
    def_.store = store;
    return *this;
  }
  FieldBuilder& Inverse(std::string method) { def_.inverse = std::move(method); return *this; }
  FieldBuilder& NotStored() { def_.store = false; return *this; }

  const FieldDef& def() const { return def_; }
  operator FieldDef() const { return def_; }  // NOLINT(google-explicit-constructor): lists of fields

 private:
  FieldDef def_;
};

inline FieldBuilder Char(std::string name) { return {std::move(name), FieldType::kChar}; }
inline FieldBuilder Text(std::string name) { return {std::move(name), FieldType::kText}; }
inline FieldBuilder Html(std::string name) { return {std::move(name), FieldType::kHtml}; }
inline FieldBuilder Integer(std::string name) { return {std::move(name), FieldType::kInteger}; }
inline FieldBuilder Float(std::string name) { return {std::move(name), FieldType::kFloat}; }
inline FieldBuilder Boolean(std::string name) { return {std::move(name), FieldType::kBoolean}; }
inline FieldBuilder Date(std::string name) { return {std::move(name), FieldType::kDate}; }
inline FieldBuilder Datetime(std::string name) { return {std::move(name), FieldType::kDatetime}; }
inline FieldBuilder Selection(std::string name,
                              std::vector<std::pair<std::string, std::string>> options) {
  FieldBuilder f(std::move(name), FieldType::kSelection);
  f.Options(std::move(options));
  return f;
}
inline FieldBuilder Many2one(std::string name, std::string comodel) {
  FieldBuilder f(std::move(name), FieldType::kMany2one);
  f.Comodel(std::move(comodel));
  return f;
}
inline FieldBuilder One2many(std::string name, std::string comodel, std::string inverse_name) {
  FieldBuilder f(std::move(name), FieldType::kOne2many);
  f.Comodel(std::move(comodel)).InverseName(std::move(inverse_name));
  return f;
}
// Odoo's explicit relation table and columns: (this model's id, comodel's id).
inline FieldBuilder Many2many(std::string name, std::string comodel, std::string relation,
                              std::string column1, std::string column2) {
  FieldBuilder f(std::move(name), FieldType::kMany2many);
  f.Comodel(std::move(comodel)).Relation(std::move(relation), std::move(column1), std::move(column2));
  return f;
}

// A ModelDef with its name, description and order.
inline orm::ModelDef Model(std::string name, std::string description, std::string order = "id") {
  orm::ModelDef def;
  def.name = std::move(name);
  def.description = std::move(description);
  def.order = std::move(order);
  return def;
}

}  // namespace citadel::modules::fields
