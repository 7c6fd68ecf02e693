// base as a module, without a database: the manifest parses from the embedded
// module.toml, every listed data file is embedded and parses, the registry
// builds with every name resolved (Odoo's table and link-table names the
// access guard relies on), and a wrong name fails the build.
#include <gtest/gtest.h>

#include "modules/base/base_module.hpp"
#include "orm/access_csv.hpp"
#include "orm/module_data.hpp"

namespace citadel::modules {
namespace {

std::shared_ptr<const orm::Registry> BaseRegistry() {
  orm::ModuleSet set;
  set.Add(BaseModule());
  auto registry = set.BuildRegistry();
  if (!registry) throw std::runtime_error(registry.error().message);
  return *registry;
}

TEST(BaseModule, ManifestAndEmbeddedFiles) {
  const orm::Module module = BaseModule();
  EXPECT_EQ(module.manifest.name, "base");
  EXPECT_EQ(module.manifest.version, "18.0.1.5");
  EXPECT_TRUE(module.manifest.depends.empty());
  ASSERT_FALSE(module.manifest.data.empty());
  for (const auto& path : module.manifest.data) {
    ASSERT_TRUE(module.files.count(path)) << path << " is listed but not embedded";
    if (path.ends_with(".toml")) {
      auto parsed = orm::ParseDataToml(module.files.at(path), "base", "base/" + path);
      EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message);
    }
  }
  EXPECT_NE(module.files.at("module.toml").find("name = \"base\""), std::string::npos);
  ASSERT_TRUE(module.generated_data);
}

TEST(BaseModule, RegistryBuildsWithOdooNames) {
  auto registry = BaseRegistry();
  for (const char* name :
       {"res.company", "res.users", "res.groups", "res.partner", "res.partner.title", "res.country",
        "res.country.state", "res.currency", "ir.model", "ir.model.fields", "ir.model.data",
        "ir.module.module", "ir.model.access", "ir.rule", "ir.config_parameter", "ir.sequence",
        "res.users.apikeys", "res.users.apikeys.description"}) {
    EXPECT_NE(registry->FindModel(name), nullptr) << name;
  }
  // Odoo's _auto = False model: its table holds the key columns, which are
  // no fields; no log access, create_date its own.
  const orm::Model& keys = *registry->FindModel("res.users.apikeys");
  EXPECT_FALSE(keys.auto_table());
  EXPECT_FALSE(keys.log_access());
  EXPECT_EQ(keys.init_sql().size(), 2u);
  for (const char* absent : {"key", "index", "create_uid", "write_uid", "write_date"}) {
    EXPECT_EQ(keys.FindField(absent), nullptr) << absent;
  }
  EXPECT_TRUE(keys.FindField("create_date")->readonly());
  EXPECT_TRUE(keys.IsExposed("remove"));
  EXPECT_TRUE(registry->FindModel("res.users.apikeys.description")->IsExposed("make_key"));
  const orm::Model& users = *registry->FindModel("res.users");
  const orm::Field& groups = *users.FindField("groups_id");
  EXPECT_EQ(groups.def().relation, "res_groups_users_rel");
  EXPECT_EQ(groups.def().column1, "uid");
  EXPECT_EQ(groups.def().column2, "gid");
  const orm::Field& companies = *users.FindField("company_ids");
  EXPECT_EQ(companies.def().relation, "res_company_users_rel");
  EXPECT_EQ(companies.def().column1, "user_id");
  EXPECT_EQ(companies.def().column2, "cid");
  EXPECT_TRUE(users.FindField("password")->def().write_only);
  const orm::Field& rule_groups = *registry->FindModel("ir.rule")->FindField("groups");
  EXPECT_EQ(rule_groups.def().relation, "rule_group_rel");
  EXPECT_EQ(rule_groups.def().column1, "rule_group_id");
  EXPECT_EQ(rule_groups.def().column2, "group_id");

  const orm::Model& partner = *registry->FindModel("res.partner");
  ASSERT_EQ(partner.default_order().size(), 2u);
  EXPECT_EQ(partner.default_order()[0].field->name(), "complete_name");
  EXPECT_FALSE(partner.default_order()[0].descending);
  EXPECT_EQ(partner.default_order()[1].field->name(), "id");
  EXPECT_TRUE(partner.default_order()[1].descending);
  EXPECT_EQ(partner.rec_name()->name(), "complete_name");
  EXPECT_TRUE(partner.FindField("complete_name")->stored());
  EXPECT_TRUE(partner.FindField("commercial_partner_id")->stored());
  EXPECT_FALSE(partner.FindField("company_type")->stored());
  EXPECT_FALSE(partner.FindField("country_code")->stored());
}

TEST(BaseModule, AccessCsvResolvesAgainstTheRegistry) {
  const orm::Module module = BaseModule();
  auto lines = orm::ParseAccessCsv(module.files.at("security/access.csv"), "base",
                                   "base/security/access.csv");
  ASSERT_TRUE(lines.has_value()) << lines.error().message;
  EXPECT_GE(lines->size(), 40u);
  auto resolved = orm::ResolveAccessModels(*lines, *BaseRegistry(), "base/security/access.csv");
  EXPECT_TRUE(resolved.has_value()) << resolved.error().message;
}

TEST(BaseModule, AWrongNameFailsTheBuild) {
  orm::ModuleSet set;
  orm::Module module = BaseModule();
  auto original = module.register_models;
  module.register_models = [original](orm::ModuleContext& context) {
    original(context);
    orm::ModelExtension broken;
    broken.model = "res.partner";
    orm::FieldDef field;
    field.name = "bogus_id";
    field.type = orm::FieldType::kMany2one;
    field.comodel = "res.no_such_model";
    broken.fields.push_back(field);
    context.ExtendModel(broken);
  };
  set.Add(std::move(module));
  auto registry = set.BuildRegistry();
  ASSERT_FALSE(registry.has_value());
  EXPECT_NE(registry.error().message.find("res.no_such_model"), std::string::npos)
      << registry.error().message;
}

}  // namespace
}  // namespace citadel::modules
