#include "orm/install_test_modules.hpp"

#include <stdexcept>

#include "modules/base/models/ir_metadata_models.hpp"
#include "orm/compute.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm::install_testing {
namespace {

using orm::testing::F;

FieldDef Flag(std::string name, bool value) {
  FieldDef f = F(std::move(name), FieldType::kBoolean);
  f.default_value = FieldDefault{Value(value), {}};
  return f;
}

FieldDef M2m(std::string name, std::string comodel, std::string relation, std::string column1,
             std::string column2) {
  FieldDef f = F(std::move(name), FieldType::kMany2many, std::move(comodel));
  f.relation = std::move(relation);
  f.column1 = std::move(column1);
  f.column2 = std::move(column2);
  return f;
}

ModelDef Def(std::string name, std::string description, std::vector<FieldDef> fields) {
  ModelDef def;
  def.name = std::move(name);
  def.description = std::move(description);
  def.fields = std::move(fields);
  return def;
}

ModuleManifest Manifest(const std::string& text, const std::string& source) {
  auto manifest = ParseModuleManifest(text, source);
  if (!manifest) throw std::logic_error(manifest.error().message);
  return *manifest;
}

void RegisterBase(ModuleContext& context) {
  context.AddModel(modules::base::IrModelDef());
  context.AddModel(modules::base::IrModelFieldsDef());
  context.AddModel(modules::base::IrModelDataDef());
  context.AddModel(modules::base::IrModuleModuleDef());
  context.AddModel(Def("res.groups", "Access Groups", {F("name", FieldType::kChar)}));
  FieldDef login = F("login", FieldType::kChar);
  login.required = true;
  FieldDef password = F("password", FieldType::kChar);
  password.write_only = true;
  ModelDef users = Def("res.users", "User",
                       {login, password, Flag("active", true),
                        M2m("groups_id", "res.groups", "res_groups_users_rel", "uid", "gid")});
  users.rec_name = "login";
  users.sql_constraints = {{"login_key", "UNIQUE (login)", "You can not have two users with the same login!"}};
  context.AddModel(users);
  FieldDef model_id = F("model_id", FieldType::kMany2one, "ir.model");
  model_id.required = true;
  model_id.ondelete = OnDelete::kCascade;
  context.AddModel(Def("ir.model.access", "Model Access",
                       {F("name", FieldType::kChar), model_id, F("group_id", FieldType::kMany2one, "res.groups"),
                        Flag("active", true), Flag("perm_read", false), Flag("perm_write", false),
                        Flag("perm_create", false), Flag("perm_unlink", false)}));
  context.AddModel(Def("ir.rule", "Record Rule",
                       {F("name", FieldType::kChar), model_id,
                        M2m("groups", "res.groups", "rule_group_rel", "rule_group_id", "group_id"),
                        F("domain_force", FieldType::kText), Flag("perm_read", true), Flag("perm_write", true),
                        Flag("perm_create", true), Flag("perm_unlink", true), Flag("active", true)}));
}

constexpr const char* kBaseData = R"(
[[record]]
id = "user_root"
model = "res.users"
noupdate = true
[record.values]
login = "__system__"
active = false

[[record]]
id = "group_user"
model = "res.groups"
[record.values]
name = "Employee"

[[record]]
id = "user_admin"
model = "res.users"
noupdate = true
[record.values]
login = "admin"
password = "$pbkdf2-sha512$1000$c2FsdA$aGFzaA"
groups_id = { refs = ["group_user"] }
)";

constexpr const char* kBaseAccess =
    "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
    "access_res_users_user,res.users user,model_res_users,group_user,1,0,0,0\n";

// Version 3 of x.tag: two stored computes new to a table with rows (a
// compute method and a related field), and a unique constraint on `code`
// that duplicate codes can refuse.
void AddVersion3(ModelDef& tag) {
  FieldDef name_length = F("name_length", FieldType::kInteger);
  name_length.compute = "_compute_name_length";
  name_length.depends = {"name"};
  name_length.store = true;
  FieldDef user_login = F("user_login", FieldType::kChar);
  user_login.related = "user_id.login";
  user_login.store = true;
  tag.fields.push_back(name_length);
  tag.fields.push_back(user_login);
  tag.computes["_compute_name_length"] = [](ComputeBatch& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Value& name = batch.Get(i, "name");
      batch.Set(i, "name_length", Value(name.is_string() ? name.get<std::string>().size() : 0));
    }
  };
  tag.sql_constraints = {{"code_uniq", "unique (code)", "Tag codes are unique"}};
}

void RegisterShop(ModuleContext& context, int version) {
  FieldDef name = F("name", FieldType::kChar);
  name.required = true;
  FieldDef color = F("color", FieldType::kInteger);
  color.default_value = FieldDefault{Value(7), {}};
  FieldDef internal = F("internal_note", FieldType::kText);
  internal.groups = {"base.group_user"};
  ModelDef tag = Def("x.tag", "Tag",
                     {name, color, F("parent_id", FieldType::kMany2one, "x.tag"),
                      F("user_id", FieldType::kMany2one, "res.users"),
                      F("group_ids", FieldType::kMany2many, "res.groups"), internal});
  tag.order = "name, id";
  if (version >= 2) tag.fields.push_back(F("code", FieldType::kChar));
  if (version >= 3) AddVersion3(tag);
  context.AddModel(tag);
  if (version >= 2) {
    ModelExtension users;
    users.model = "res.users";
    users.fields = {F("shop_nickname", FieldType::kChar)};
    context.ExtendModel(users);
  }
}

std::string ShopTags(int version) {
  std::string text = R"(
[[record]]
id = "tag_root"
model = "x.tag"
[record.values]
name = "Root"

[[record]]
id = "tag_a"
model = "x.tag"
noupdate = true
[record.values]
name = ")" + std::string(version >= 2 ? "A v2" : "A") + R"("
parent_id = { ref = "tag_root" }

[[record]]
id = "tag_b"
model = "x.tag"
[record.values]
name = ")" + std::string(version >= 2 ? "B v2" : "B") + R"("
parent_id = { ref = "shop.tag_root" }
user_id = { ref = "base.user_admin" }
group_ids = { refs = ["base.group_user"] }
)" + std::string(version >= 3 ? "code = \"b-3\"\n" : "");
  if (version >= 2) {
    text += R"(
[[record]]
id = "tag_c"
model = "x.tag"
[record.values]
name = "C"
code = "c-1"
)";
  }
  return text;
}

constexpr const char* kShopRules = R"(
[[rule]]
id = "x_tag_own"
name = "Own tags"
model = "x.tag"
groups = ["base.group_user"]
domain = '["|", ["user_id", "=", {"var": "user.id"}], ["user_id", "=", false]]'
perm_unlink = false
)";

constexpr const char* kShopAccess =
    "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
    "access_x_tag_user,x.tag user,model_x_tag,base.group_user,1,1,1,0\n";

}  // namespace

Module TestBaseModule() {
  Module module;
  module.manifest = Manifest(R"(name = "base"
version = "18.0.1.0"
summary = "Base"
data = ["data/base_data.toml", "security/access.csv"]
)", "base/module.toml");
  module.register_models = RegisterBase;
  module.files = {{"data/base_data.toml", kBaseData}, {"security/access.csv", kBaseAccess}};
  return module;
}

Module ShopModule(int version, std::map<std::string, std::string> file_overrides) {
  Module module;
  module.manifest = Manifest(std::string("name = \"shop\"\nversion = \"18.0.") + std::to_string(version) +
                                 ".0\"\nsummary = \"Shop\"\ndepends = [\"base\"]\n"
                                 "data = [\"security/access.csv\", \"data/tags.toml\", "
                                 "\"security/rules.toml\"]\ndemo = [\"demo/tags.toml\"]\n",
                             "shop/module.toml");
  module.register_models = [version](ModuleContext& context) { RegisterShop(context, version); };
  module.files = {{"security/access.csv", kShopAccess},
                  {"data/tags.toml", ShopTags(version)},
                  {"security/rules.toml", kShopRules},
                  {"demo/tags.toml", "[[record]]\nid = \"tag_demo\"\nmodel = \"x.tag\"\n"
                                     "[record.values]\nname = \"Demo\"\n"}};
  module.generated_data = []() -> core::Result<std::vector<DataRecord>> {
    DataRecord generated;
    generated.xml_id = "tag_generated";
    generated.model = "x.tag";
    generated.values = {{"name", "Generated"}};
    return std::vector<DataRecord>{generated};
  };
  for (auto& [path, text] : file_overrides) module.files[path] = text;
  return module;
}

ModuleSet TestModules(int shop_version, std::map<std::string, std::string> file_overrides) {
  ModuleSet set;
  set.Add(TestBaseModule());
  set.Add(ShopModule(shop_version, std::move(file_overrides)));
  return set;
}

}  // namespace citadel::orm::install_testing
