// RegistryBuilder's checks of module methods: a private name can never be
// exposed, an exposed name needs an implementation, the ORM's own methods
// cannot be replaced, model-level methods must exist.
#include <gtest/gtest.h>

#include "orm/registry.hpp"

namespace citadel::orm {
namespace {

core::Result<std::shared_ptr<const Registry>> BuildWithPartner(ModelDef partner) {
  RegistryBuilder builder;
  ModelDef users;
  users.name = "res.users";
  builder.AddModel("base", users);
  partner.name = "res.partner";
  builder.AddModel("base", std::move(partner));
  return builder.Build();
}

const ModelMethod kMethod = [](const RecordSet&, const Value&, const Value&) { return Value(true); };

TEST(MethodRegistry, ExposedMethodsAreChecked) {
  ModelDef ok;
  ok.methods["action_archive"] = kMethod;
  ok.methods["_helper"] = kMethod;  // private helpers may exist; they are never callable
  ok.exposed_methods = {"action_archive", "search"};
  auto built = BuildWithPartner(ok);
  ASSERT_TRUE(built) << built.error().message;
  const Model& model = *(*built)->FindModel("res.partner");
  EXPECT_TRUE(model.IsExposed("action_archive"));
  EXPECT_TRUE(model.IsExposed("read_group"));
  EXPECT_TRUE(model.IsExposed("has_access"));
  EXPECT_FALSE(model.IsExposed("_helper"));
  EXPECT_FALSE(model.IsExposed("browse"));

  ModelDef private_exposed;
  private_exposed.methods["_helper"] = kMethod;
  private_exposed.exposed_methods = {"_helper"};
  auto refused = BuildWithPartner(private_exposed);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("_helper is private"), std::string::npos);

  ModelDef missing;
  missing.exposed_methods = {"action_nothing"};
  EXPECT_FALSE(BuildWithPartner(missing));

  ModelDef replaces;
  replaces.methods["write"] = kMethod;
  EXPECT_FALSE(BuildWithPartner(replaces));

  ModelDef model_level;
  model_level.model_methods = {"ghost"};
  EXPECT_FALSE(BuildWithPartner(model_level));
}

TEST(MethodRegistry, DefaultListIsOdoos) {
  for (const char* name : {"search", "search_count", "search_read", "read", "create", "write", "unlink",
                           "copy", "name_search", "name_create", "default_get", "fields_get", "read_group",
                           "check_access_rights", "check_access_rule", "check_access", "has_access"}) {
    EXPECT_EQ(DefaultExposedMethods().count(name), 1u) << name;
  }
  EXPECT_EQ(DefaultExposedMethods().size(), 17u);
}

}  // namespace
}  // namespace citadel::orm
