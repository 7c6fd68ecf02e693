// Shared by the planner's unit tests: a registry shaped like Odoo's base
// (res.users, res.country, res.partner.category, and a res.partner with every
// field type), the database a successful sync of it leaves behind (described
// by hand, no PostgreSQL), and lookups into a plan.
//
// Test-only; plain functions, safe to call from any test.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "orm/schema_plan.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm::schema_plan_testing {

using orm::testing::F;

inline FieldDef Required(FieldDef f) {
  f.required = true;
  return f;
}

struct Models {
  std::vector<ModelDef> defs;
  std::vector<ModelExtension> extensions;
};

// An extension of `model` adding `fields` (and compute methods).
inline ModelExtension Extension(std::string model, std::vector<FieldDef> fields,
                                std::map<std::string, ComputeMethod> computes = {}) {
  ModelExtension extension;
  extension.model = std::move(model);
  extension.fields = std::move(fields);
  extension.computes = std::move(computes);
  return extension;
}

inline Models BaseModels() {
  ModelDef users;
  users.name = "res.users";
  users.fields = {Required(F("login", FieldType::kChar))};
  users.sql_constraints = {{"login_key", "UNIQUE (login)", "A login is unique"}};

  ModelDef country;
  country.name = "res.country";
  country.fields = {F("name", FieldType::kChar)};

  ModelDef category;
  category.name = "res.partner.category";
  category.fields = {F("name", FieldType::kChar)};

  ModelDef partner;
  partner.name = "res.partner";
  FieldDef name = Required(F("name", FieldType::kChar));
  name.index = true;
  FieldDef ref = F("ref", FieldType::kChar);
  ref.size = 16;
  FieldDef amount = F("amount", FieldType::kFloat);
  amount.digits = std::make_pair(16, 2);
  FieldDef type = F("type", FieldType::kSelection);
  type.selection = {{"contact", "Contact"}, {"invoice", "Invoice"}};
  FieldDef parent = F("parent_id", FieldType::kMany2one, "res.partner");
  parent.ondelete = OnDelete::kCascade;
  FieldDef country_id = F("country_id", FieldType::kMany2one, "res.country");
  country_id.ondelete = OnDelete::kRestrict;
  FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner");
  children.inverse_name = "parent_id";
  FieldDef active = F("active", FieldType::kBoolean);
  active.default_value = FieldDefault{Value(true), {}};
  partner.fields = {name,
                    ref,
                    F("comment", FieldType::kText),
                    F("color", FieldType::kInteger),
                    F("latitude", FieldType::kFloat),
                    amount,
                    F("credit", FieldType::kMonetary),
                    active,
                    F("birthday", FieldType::kDate),
                    F("seen", FieldType::kDatetime),
                    type,
                    parent,
                    Required(F("user_id", FieldType::kMany2one, "res.users")),
                    country_id,
                    children,
                    F("category_id", FieldType::kMany2many, "res.partner.category"),
                    F("image", FieldType::kBinary),
                    F("notes", FieldType::kHtml)};
  partner.sql_constraints = {{"ref_uniq", "unique(ref)", "Reference is unique"},
                             {"check_name", "CHECK(name IS NOT NULL)", "A name"}};
  return {{users, country, category, partner}, {}};
}

inline std::shared_ptr<const Registry> Build(Models models) {
  RegistryBuilder builder;
  for (auto& m : models.defs) builder.AddModel("base", std::move(m));
  for (auto& e : models.extensions) builder.ExtendModel("contacts", std::move(e));
  auto registry = builder.Build();
  EXPECT_TRUE(registry) << registry.error().message;
  return *registry;
}

inline WantedSchema Wanted(Models models) {
  auto wanted = DescribeWantedSchema(*Build(std::move(models)));
  EXPECT_TRUE(wanted) << wanted.error().message;
  return *wanted;
}

inline ForeignKeyAction ActionOf(OnDelete ondelete) {
  switch (ondelete) {
    case OnDelete::kSetNull:
      return ForeignKeyAction::kSetNull;
    case OnDelete::kRestrict:
      return ForeignKeyAction::kRestrict;
    case OnDelete::kCascade:
      return ForeignKeyAction::kCascade;
  }
  return ForeignKeyAction::kNoAction;
}

// The database a successful sync of `wanted` leaves behind.
inline ExistingSchema Synced(const WantedSchema& wanted, bool has_rows) {
  ExistingSchema schema;
  for (const auto& table : wanted.tables) {
    ExistingTable& t = schema.tables[table.name];
    t.name = table.name;
    t.has_rows = has_rows;
    t.columns.push_back({"id", "int4", std::nullopt, true});
    for (const auto& c : table.columns) {
      t.columns.push_back(
          {c.name, std::string(UdtNameOf(c.type.kind)), c.type.varchar_size, c.not_null});
    }
    t.indexes.push_back({table.name + "_pkey", {"id"}, true, true});
  }
  for (const auto& link : wanted.link_tables) {
    ExistingTable& t = schema.tables[link.relation];
    t.name = link.relation;
    t.columns = {{link.column1, "int4", std::nullopt, true},
                 {link.column2, "int4", std::nullopt, true}};
    t.indexes.push_back({link.relation + "_pkey", {link.column1, link.column2}, true, true});
  }
  for (const auto& fk : wanted.foreign_keys) {
    schema.tables[fk.table].foreign_keys.push_back({fk.table + "_" + fk.column + "_fkey", fk.column,
                                                    fk.referenced_table, "id",
                                                    ActionOf(fk.ondelete)});
  }
  for (const auto& index : wanted.indexes) {
    schema.tables[index.table].indexes.push_back(
        {index.name.empty() ? index.table + "_idx" : index.name, index.columns, false, false});
  }
  for (const auto& u : wanted.unique_constraints) {
    schema.tables[u.table].constraints.push_back(
        {u.name, ExistingConstraint::Kind::kUnique, u.columns});
  }
  return schema;
}

template <class T>
inline std::vector<const T*> ChangesOf(const SchemaPlan& plan) {
  std::vector<const T*> out;
  for (const auto& step : plan.changes) {
    if (const T* c = std::get_if<T>(&step.change)) out.push_back(c);
  }
  return out;
}

inline bool HasWarning(const SchemaPlan& plan, std::string_view text) {
  return std::any_of(plan.warnings.begin(), plan.warnings.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

inline const AddForeignKey* ForeignKeyOn(const SchemaPlan& plan, std::string_view table,
                                         std::string_view column) {
  for (const auto* fk : ChangesOf<AddForeignKey>(plan)) {
    if (fk->table == table && fk->column == column) return fk;
  }
  return nullptr;
}

}  // namespace citadel::orm::schema_plan_testing
