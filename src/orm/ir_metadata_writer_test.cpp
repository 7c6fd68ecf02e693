// The metadata rows (ir.module.module, ir.model, ir.model.fields) the
// installer writes, as records, from a small registry.
#include "orm/ir_metadata_writer.hpp"

#include <gtest/gtest.h>

#include "orm/install_data_files.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using testing::F;

std::shared_ptr<const Registry> TwoModules() {
  RegistryBuilder builder;
  ModelDef users;
  users.name = "res.users";
  users.fields = {F("login", FieldType::kChar)};
  ModelDef groups;
  groups.name = "res.groups";
  groups.fields = {F("name", FieldType::kChar)};
  ModelDef tag;
  tag.name = "x.tag";
  tag.description = "Tag";
  tag.order = "name desc, id";
  FieldDef name = F("name", FieldType::kChar);
  name.required = true;
  name.size = 16;
  name.help = "The tag's name";
  name.groups = {"base.group_user"};
  FieldDef parent = F("parent_id", FieldType::kMany2one, "x.tag");
  parent.ondelete = OnDelete::kCascade;
  tag.fields = {name, parent, F("user_ids", FieldType::kMany2many, "res.users")};
  builder.AddModel("base", users);
  builder.AddModel("base", groups);
  builder.AddModel("base", tag);
  ModelExtension more;
  more.model = "x.tag";
  more.fields = {F("color", FieldType::kInteger)};
  builder.ExtendModel("extra", more);
  auto built = builder.Build();
  EXPECT_TRUE(built) << built.error().message;
  return *built;
}

const DataRecord* Find(const std::vector<DataRecord>& records, const std::string& xml_id) {
  for (const auto& r : records) {
    if (r.xml_id == xml_id) return &r;
  }
  return nullptr;
}

TEST(IrMetadataWriterTest, ModuleRow) {
  ModuleManifest manifest;
  manifest.name = "contacts";
  manifest.version = "18.0.1.2";
  manifest.summary = "Contacts";
  DataRecord row = ModuleRecord(manifest);
  EXPECT_EQ(row.xml_id, "base.module_contacts") << "Odoo's xml id of a module";
  EXPECT_EQ(row.model, "ir.module.module");
  EXPECT_EQ(row.values["state"], "installed");
  EXPECT_EQ(row.values["latest_version"], "18.0.1.2");
  EXPECT_EQ(row.values["shortdesc"], "Contacts");
}

TEST(IrMetadataWriterTest, ModelRowsBelongToTheDeclaringModule) {
  auto registry = TwoModules();
  auto base = ModelRecords(*registry, "base");
  const DataRecord* tag = Find(base, "base.model_x_tag");
  ASSERT_NE(tag, nullptr);
  EXPECT_EQ(tag->values["model"], "x.tag");
  EXPECT_EQ(tag->values["name"], "Tag");
  EXPECT_EQ(tag->values["order"], "name desc, id");
  EXPECT_EQ(tag->values["modules"], "base, extra");
  EXPECT_EQ(tag->values["state"], "base");
  EXPECT_TRUE(ModelRecords(*registry, "extra").empty());
  auto aliases = ExtendedModelXmlIds(*registry, "extra");
  ASSERT_EQ(aliases.size(), 1u);
  EXPECT_EQ(aliases[0], std::make_pair(std::string("extra.model_x_tag"), std::string("base.model_x_tag")));
  EXPECT_EQ(ModelXmlId(*registry->FindModel("x.tag")), "base.model_x_tag");
}

TEST(IrMetadataWriterTest, FieldRowsInOdoosNames) {
  auto registry = TwoModules();
  auto base = FieldRecords(*registry, "base");
  const DataRecord* name = Find(base, "base.field_x_tag__name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->values["ttype"], "char");
  EXPECT_EQ(name->values["model_id"], Value::parse(R"({"ref": "base.model_x_tag"})"));
  EXPECT_EQ(name->values["required"], true);
  EXPECT_EQ(name->values["size"], 16);
  EXPECT_EQ(name->values["help"], "The tag's name");
  EXPECT_EQ(name->values["field_description"], "Name");
  EXPECT_FALSE(name->values.contains("groups")) << "groups come in the second pass";
  const DataRecord* parent = Find(base, "base.field_x_tag__parent_id");
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->values["relation"], "x.tag");
  EXPECT_EQ(parent->values["on_delete"], "cascade");
  const DataRecord* users = Find(base, "base.field_x_tag__user_ids");
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(users->values["ttype"], "many2many");
  EXPECT_EQ(users->values["relation_table"], "res_users_x_tag_rel");
  EXPECT_EQ(users->values["column1"], "x_tag_id");
  EXPECT_EQ(users->values["column2"], "res_users_id");
  EXPECT_EQ(users->values["store"], false);
  EXPECT_NE(Find(base, "base.field_x_tag__create_uid"), nullptr) << "automatic fields too";
  EXPECT_EQ(Find(base, "base.field_x_tag__color"), nullptr);
  auto extra = FieldRecords(*registry, "extra");
  ASSERT_EQ(extra.size(), 1u);
  EXPECT_EQ(extra[0].xml_id, "extra.field_x_tag__color");

  auto groups = FieldGroupRecords(*registry, "base");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].xml_id, "base.field_x_tag__name");
  EXPECT_EQ(groups[0].values, Value::parse(R"({"groups": {"refs": ["base.group_user"]}})"));
}

}  // namespace
}  // namespace citadel::orm
