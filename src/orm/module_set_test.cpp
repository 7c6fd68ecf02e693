#include "orm/module_set.hpp"

#include <gtest/gtest.h>

namespace citadel::orm {
namespace {

Module M(std::string name, std::vector<std::string> depends, RegisterFunction fn = nullptr) {
  Module m;
  m.manifest.name = std::move(name);
  m.manifest.version = "18.0.1.0";
  m.manifest.depends = std::move(depends);
  m.register_models = std::move(fn);
  return m;
}

std::vector<std::string> Names(const std::vector<const Module*>& order) {
  std::vector<std::string> out;
  for (const auto* m : order) out.push_back(m->manifest.name);
  return out;
}

TEST(ModuleManifestTest, ParsesAndRefusesWhatIsWrong) {
  auto m = ParseModuleManifest(R"(name = "contacts"
version = "18.0.1.0"
depends = ["base"]
data = ["security/access.csv", "data/categories.toml"]
)", "contacts/module.toml");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->name, "contacts");
  EXPECT_EQ(m->depends, std::vector<std::string>{"base"});
  EXPECT_EQ(m->data.size(), 2u);

  for (const char* bad : {"name = \"Contacts\"\nversion = \"1\"\n", "name = \"x\"\n",
                          "name = \"x\"\nversion = \"1\"\nauthor = \"me\"\n",
                          "name = \"x\"\nversion = \"1\"\ndata = [\"../../etc/passwd\"]\n",
                          "name = \"x\"\nversion = \"1\"\ndata = [\"/abs\"]\n",
                          "name = \"x\"\nversion = \"1\"\ndepends = [\"Bad-Name\"]\n", "name = [\n"}) {
    EXPECT_FALSE(ParseModuleManifest(bad, "m.toml")) << bad;
  }
}

TEST(ModuleSetTest, LoadsInDependencyOrderDeterministically) {
  ModuleSet set;
  set.Add(M("sale", {"contacts", "product"}));
  set.Add(M("product", {"base"}));
  set.Add(M("contacts", {"base"}));
  set.Add(M("base", {}));
  auto order = set.LoadOrder();
  ASSERT_TRUE(order) << order.error().message;
  EXPECT_EQ(Names(*order), (std::vector<std::string>{"base", "contacts", "product", "sale"}));
}

TEST(ModuleSetTest, MissingDuplicateAndCyclicModulesFail) {
  ModuleSet missing;
  missing.Add(M("sale", {"product"}));
  EXPECT_NE(missing.LoadOrder().error().message.find("unknown module product"), std::string::npos);

  ModuleSet dup;
  dup.Add(M("base", {}));
  dup.Add(M("base", {}));
  EXPECT_FALSE(dup.LoadOrder());

  ModuleSet cycle;
  cycle.Add(M("a", {"b"}));
  cycle.Add(M("b", {"a"}));
  cycle.Add(M("c", {}));
  auto r = cycle.LoadOrder();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cycle: a, b"), std::string::npos) << r.error().message;
}

TEST(ModuleSetTest, ModulesExtendEachOthersModelsThroughTheRegistry) {
  ModuleSet set;
  set.Add(M("base", {}, [](ModuleContext& ctx) {
    ModelDef users;
    users.name = "res.users";
    ctx.AddModel(users);
    ModelDef partner;
    partner.name = "res.partner";
    FieldDef name;
    name.name = "name";
    partner.fields.push_back(name);
    ctx.AddModel(partner);
  }));
  set.Add(M("contacts", {"base"}, [](ModuleContext& ctx) {
    ModelExtension ext;
    ext.model = "res.partner";
    FieldDef ref;
    ref.name = "ref";
    ext.fields.push_back(ref);
    ctx.ExtendModel(ext);
  }));
  auto registry = set.BuildRegistry();
  ASSERT_TRUE(registry) << registry.error().message;
  const Field* ref = (*registry)->FindModel("res.partner")->FindField("ref");
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->module(), "contacts");
}

}  // namespace
}  // namespace citadel::orm
