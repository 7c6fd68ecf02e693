// Shared by the schema sync's pg tests: a synthetic registry shaped like
// Odoo's base (res.users, res.country, res.partner.category and a
// res.partner with every field type), fresh databases on the test cluster,
// and catalog queries to check what a sync left behind.
//
// Test-only; each test uses its own database and connections, one thread
// each unless a test says otherwise.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "db/identifier.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "db/utility_statement.hpp"
#include "orm/registry.hpp"
#include "orm/schema_sync.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm::schema_testing {

using orm::testing::F;

struct Models {
  std::vector<ModelDef> defs;
  std::vector<ModelExtension> extensions;
};

// An extension of `model` adding `fields`.
inline ModelExtension Extension(std::string model, std::vector<FieldDef> fields) {
  ModelExtension extension;
  extension.model = std::move(model);
  extension.fields = std::move(fields);
  return extension;
}

inline ModelDef& Find(Models& models, const std::string& name) {
  for (auto& def : models.defs) {
    if (def.name == name) return def;
  }
  throw std::logic_error("no model " + name);
}

inline Models BaseModels() {
  ModelDef users;
  users.name = "res.users";
  FieldDef login = F("login", FieldType::kChar);
  login.required = true;
  users.fields = {login};
  users.rec_name = "login";
  users.sql_constraints = {
      {"login_key", "UNIQUE (login)", "You can not have two users with the same login!"}};

  ModelDef country;
  country.name = "res.country";
  FieldDef code = F("code", FieldType::kChar);
  code.size = 2;
  country.fields = {F("name", FieldType::kChar), code};

  ModelDef category;
  category.name = "res.partner.category";
  category.fields = {F("name", FieldType::kChar)};

  ModelDef partner;
  partner.name = "res.partner";
  partner.parent_name = "parent_id";
  FieldDef name = F("name", FieldType::kChar);
  name.index = true;
  FieldDef ref = F("ref", FieldType::kChar);
  ref.size = 8;
  FieldDef amount = F("amount", FieldType::kFloat);
  amount.digits = std::make_pair(16, 2);
  FieldDef type = F("type", FieldType::kSelection);
  type.selection = {{"contact", "Contact"}, {"invoice", "Invoice"}};
  FieldDef active = F("active", FieldType::kBoolean);
  active.default_value = FieldDefault{Value(true), {}};
  FieldDef parent = F("parent_id", FieldType::kMany2one, "res.partner");
  parent.ondelete = OnDelete::kCascade;
  FieldDef country_id = F("country_id", FieldType::kMany2one, "res.country");
  country_id.ondelete = OnDelete::kRestrict;
  FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner");
  children.inverse_name = "parent_id";
  partner.fields = {name,
                    ref,
                    F("comment", FieldType::kText),
                    F("website_description", FieldType::kHtml),
                    F("color", FieldType::kInteger),
                    F("partner_latitude", FieldType::kFloat),
                    amount,
                    F("credit_limit", FieldType::kMonetary),
                    active,
                    F("date", FieldType::kDate),
                    F("last_seen", FieldType::kDatetime),
                    type,
                    parent,
                    children,
                    country_id,
                    F("user_id", FieldType::kMany2one, "res.users"),
                    F("category_id", FieldType::kMany2many, "res.partner.category"),
                    F("image_1920", FieldType::kBinary)};
  partner.sql_constraints = {{"ref_uniq", "unique(ref)", "The reference must be unique"},
                             {"check_name", "CHECK (name IS NOT NULL)", "Contacts require a name"}};
  return {{users, country, category, partner}, {}};
}

inline SchemaSync MakeSync(Models models) {
  RegistryBuilder builder;
  for (auto& def : models.defs) builder.AddModel("base", std::move(def));
  for (auto& extension : models.extensions) builder.ExtendModel("contacts", std::move(extension));
  auto registry = builder.Build();
  if (!registry) throw std::runtime_error(registry.error().message);
  auto sync = SchemaSync::Create(*registry);
  if (!sync) throw std::runtime_error(sync.error().message);
  return std::move(*sync);
}

inline db::Connection Connect(const std::string& database) {
  auto connection = db::Connection::Open(db::testing::PgTestCluster().SuperuserDsn(database));
  if (!connection) throw std::runtime_error(connection.error().message);
  return std::move(*connection);
}

// A new, empty database `name` (dropped first if a previous run left it).
inline db::Connection FreshDatabase(const std::string& name) {
  db::Connection admin = Connect("postgres");
  auto id = db::Identifier::Make(name);
  if (!id) throw std::runtime_error(id.error().message);
  for (bool create : {false, true}) {
    db::UtilityStatementBuilder builder(admin);
    if (create) {
      builder.Sql("CREATE DATABASE ").Name(*id);
    } else {
      builder.Sql("DROP DATABASE IF EXISTS ").Name(*id);
    }
    auto statement = builder.Build();
    if (!statement) throw std::runtime_error(statement.error().message);
    if (auto r = admin.ExecuteUtility(*statement); !r) throw std::runtime_error(r.error().message);
  }
  return Connect(name);
}

inline SchemaSyncReport SyncOrFail(const SchemaSync& sync, db::Connection& connection) {
  auto report = sync.Run(connection);
  if (!report) throw std::runtime_error("sync failed: " + report.error().message);
  return std::move(*report);
}

// column -> "udt(len) NULL|NOT NULL", from information_schema.columns.
inline std::map<std::string, std::string> Columns(db::Connection& connection,
                                                  const std::string& table) {
  auto r = connection.Execute(
      "SELECT column_name, udt_name, character_maximum_length, is_nullable FROM "
      "information_schema.columns "
      "WHERE table_schema = current_schema() AND table_name = $1",
      table);
  if (!r) throw std::runtime_error(r.error().message);
  std::map<std::string, std::string> columns;
  for (int i = 0; i < r->rows(); ++i) {
    std::string type = r->Text(i, "udt_name");
    if (auto length = r->Get(i, "character_maximum_length"))
      type += "(" + std::string(*length) + ")";
    columns[r->Text(i, "column_name")] =
        type + (r->Text(i, "is_nullable") == "NO" ? " NOT NULL" : " NULL");
  }
  return columns;
}

// column -> "<referenced table>(<referenced column>) <confdeltype>" for the
// foreign keys of `table`, from pg_constraint.
inline std::map<std::string, std::string> ForeignKeys(db::Connection& connection,
                                                      const std::string& table) {
  auto r = connection.Execute(
      "SELECT a1.attname AS column_name, c2.relname AS referenced, a2.attname AS "
      "referenced_column, "
      "con.confdeltype, con.conname FROM pg_constraint con "
      "JOIN pg_class c1 ON c1.oid = con.conrelid JOIN pg_class c2 ON c2.oid = con.confrelid "
      "JOIN pg_attribute a1 ON a1.attrelid = c1.oid AND a1.attnum = con.conkey[1] "
      "JOIN pg_attribute a2 ON a2.attrelid = c2.oid AND a2.attnum = con.confkey[1] "
      "WHERE con.contype = 'f' AND c1.relname = $1",
      table);
  if (!r) throw std::runtime_error(r.error().message);
  std::map<std::string, std::string> keys;
  for (int i = 0; i < r->rows(); ++i) {
    keys[r->Text(i, "column_name")] = r->Text(i, "referenced") + "(" +
                                      r->Text(i, "referenced_column") + ") " +
                                      r->Text(i, "confdeltype") + " " + r->Text(i, "conname");
  }
  return keys;
}

// Everything a sync can change in the current schema, as one text.
inline std::string Fingerprint(db::Connection& connection) {
  auto r = connection.Execute(
      "SELECT "
      "(SELECT string_agg(table_name || '.' || column_name || ':' || udt_name || ':' || "
      "  coalesce(character_maximum_length::text, '') || ':' || is_nullable, ',' ORDER BY "
      "table_name, column_name) "
      "  FROM information_schema.columns WHERE table_schema = current_schema()) || '|' || "
      "(SELECT string_agg(c.relname || ':' || con.conname || ':' || pg_get_constraintdef(con.oid), "
      "',' "
      "  ORDER BY c.relname, con.conname) FROM pg_constraint con JOIN pg_class c ON c.oid = "
      "con.conrelid "
      "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()) || '|' "
      "|| "
      "(SELECT string_agg(indexdef, ',' ORDER BY indexname) FROM pg_indexes "
      "  WHERE schemaname = current_schema()) AS fingerprint");
  if (!r) throw std::runtime_error(r.error().message);
  return r->Text(0, "fingerprint");
}

inline bool Contains(const std::vector<std::string>& lines, std::string_view text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace citadel::orm::schema_testing
