// The registry's checks and resolution of computed and related fields:
// Odoo's defaults for store/readonly/copy, attributes copied from a related
// target, triggers put on dependencies, and the build errors that name what
// is wrong.
#include <gtest/gtest.h>

#include "orm/compute.hpp"
#include "orm/registry.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using testing::F;

void Noop(ComputeBatch&) {}

ModelDef Country() {
  ModelDef m;
  m.name = "res.country";
  FieldDef code = F("code", FieldType::kChar);
  code.string = "Country Code";
  code.size = 2;
  m.fields = {F("name", FieldType::kChar), code};
  return m;
}

ModelDef ComputedPartner() {
  ModelDef m;
  m.name = "res.partner";
  m.parent_name = "parent_id";
  FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner");
  children.inverse_name = "parent_id";
  FieldDef complete = F("complete_name", FieldType::kChar);
  complete.compute = "_compute_complete_name";
  complete.depends = {"name", "parent_id.complete_name"};
  complete.store = true;
  FieldDef count = F("child_count", FieldType::kInteger);
  count.compute = "_compute_child_count";
  count.depends = {"child_ids"};
  FieldDef country_code = F("parent_country_code", FieldType::kChar);
  country_code.related = "parent_id.country_id.code";
  FieldDef parent_country = F("parent_country_id", FieldType::kChar);  // left as the default type
  parent_country.related = "parent_id.country_id";
  m.fields = {F("name", FieldType::kChar), F("parent_id", FieldType::kMany2one, "res.partner"), children,
              F("country_id", FieldType::kMany2one, "res.country"), complete, count, country_code,
              parent_country};
  m.computes["_compute_complete_name"] = Noop;
  m.computes["_compute_child_count"] = Noop;
  return m;
}

core::Result<std::shared_ptr<const Registry>> BuildWithUsers(
    std::vector<ModelDef> models, std::vector<ModelExtension> extensions = {}) {
  RegistryBuilder b;
  ModelDef users;  // the log-access fields' comodel
  users.name = "res.users";
  users.fields = {F("login", FieldType::kChar)};
  b.AddModel("base", std::move(users));
  for (auto& m : models) b.AddModel("base", std::move(m));
  for (auto& e : extensions) b.ExtendModel("contacts", std::move(e));
  return b.Build();
}

void ExpectComputeBuildError(std::vector<ModelDef> models, const std::string& needle,
                             std::vector<ModelExtension> extensions = {}) {
  auto r = BuildWithUsers(std::move(models), std::move(extensions));
  ASSERT_FALSE(r) << "expected an error containing: " << needle;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

TEST(ComputeRegistryTest, OdooDefaultsForComputedAndRelatedFields) {
  auto r = BuildWithUsers({Country(), ComputedPartner()});
  ASSERT_TRUE(r) << r.error().message;
  const Model& partner = *(*r)->FindModel("res.partner");
  const Field& complete = *partner.FindField("complete_name");
  EXPECT_TRUE(complete.stored());
  EXPECT_TRUE(complete.readonly());  // computed without inverse
  EXPECT_FALSE(complete.def().copy.value());
  const Field& count = *partner.FindField("child_count");
  EXPECT_FALSE(count.stored());  // Odoo: computed fields are not stored unless asked
  const Field& code = *partner.FindField("parent_country_code");
  EXPECT_FALSE(code.stored());
  EXPECT_TRUE(code.readonly());
  EXPECT_FALSE(code.def().copy.value());
  const Field& name = *partner.FindField("name");
  EXPECT_TRUE(name.stored());
  EXPECT_FALSE(name.readonly());
  EXPECT_TRUE(name.def().copy.value());
  EXPECT_FALSE(partner.FindField("child_ids")->def().copy.value());
}

TEST(ComputeRegistryTest, RelatedFieldsTakeTheirTargetsAttributes) {
  auto r = BuildWithUsers({Country(), ComputedPartner()});
  ASSERT_TRUE(r) << r.error().message;
  const Model& partner = *(*r)->FindModel("res.partner");
  const Field& code = *partner.FindField("parent_country_code");
  EXPECT_EQ(code.def().string, "Country Code");
  EXPECT_EQ(code.def().size, 2);
  ASSERT_EQ(code.related_path().size(), 3u);
  EXPECT_EQ(code.related_path().back()->name(), "code");
  const Field& country = *partner.FindField("parent_country_id");
  EXPECT_EQ(country.type(), FieldType::kMany2one);
  ASSERT_NE(country.comodel(), nullptr);
  EXPECT_EQ(country.comodel()->name(), "res.country");
}

TEST(ComputeRegistryTest, DependenciesPutTriggersOnTheFieldsOfTheirPaths) {
  auto r = BuildWithUsers({Country(), ComputedPartner()});
  ASSERT_TRUE(r) << r.error().message;
  const Model& partner = *(*r)->FindModel("res.partner");
  const Field& complete = *partner.FindField("complete_name");
  // name: the record itself; complete_name: the children (through parent_id).
  const auto& on_name = partner.FindField("name")->triggers();
  ASSERT_EQ(on_name.size(), 1u);
  EXPECT_EQ(on_name[0].computed, &complete);
  EXPECT_TRUE(on_name[0].path.empty());
  const auto& on_complete = complete.triggers();
  ASSERT_EQ(on_complete.size(), 1u);
  ASSERT_EQ(on_complete[0].path.size(), 1u);
  EXPECT_EQ(on_complete[0].path[0]->name(), "parent_id");
  // Non-stored computes put no trigger: they are computed on read.
  EXPECT_TRUE(partner.FindField("child_ids")->triggers().empty());
}

TEST(ComputeRegistryTest, AStoredComputeThroughAOne2manyIsTriggeredByTheLinesMany2one) {
  ModelDef partner = ComputedPartner();
  FieldDef names = F("child_names", FieldType::kChar);
  names.compute = "_compute_child_names";
  names.depends = {"child_ids.name"};
  names.store = true;
  partner.fields.push_back(names);
  partner.computes["_compute_child_names"] = Noop;
  auto r = BuildWithUsers({Country(), partner});
  ASSERT_TRUE(r) << r.error().message;
  const Model& model = *(*r)->FindModel("res.partner");
  bool through_parent = false;
  for (const auto& trigger : model.FindField("parent_id")->triggers()) {
    through_parent = through_parent || (trigger.computed->name() == "child_names" && trigger.path.size() == 1 &&
                                         trigger.path[0]->name() == "child_ids");
  }
  EXPECT_TRUE(through_parent);
}

TEST(ComputeRegistryTest, MissingComputeMethodFailsNamingIt) {
  ModelDef partner = ComputedPartner();
  partner.computes.erase("_compute_complete_name");
  ExpectComputeBuildError({Country(), partner}, "field complete_name: unknown compute method _compute_complete_name");
}

TEST(ComputeRegistryTest, RelatedThroughANonRelationalFieldFails) {
  ModelDef partner = ComputedPartner();
  FieldDef bad = F("bad_related", FieldType::kChar);
  bad.related = "name.code";
  partner.fields.push_back(bad);
  ExpectComputeBuildError({Country(), partner}, "field bad_related: related path name.code goes through name, which is not relational");
}

TEST(ComputeRegistryTest, DependsOnAnUnknownPathFails) {
  ModelDef partner = ComputedPartner();
  partner.fields[4].depends = {"name", "parent_id.nickname"};
  ExpectComputeBuildError({Country(), partner}, "field complete_name: path parent_id.nickname does not resolve at nickname");
}

TEST(ComputeRegistryTest, InverseMustExistAndBelongToAComputedField) {
  ModelDef partner = ComputedPartner();
  partner.fields[5].inverse = "_inverse_child_count";
  ExpectComputeBuildError({Country(), partner}, "field child_count: unknown inverse method _inverse_child_count");
  ModelDef plain = ComputedPartner();
  plain.fields[0].inverse = "_inverse_name";
  ExpectComputeBuildError({Country(), plain}, "field name: an inverse is for a computed field");
}

TEST(ComputeRegistryTest, RelatedTypeMustMatchItsTarget) {
  ModelDef partner = ComputedPartner();
  FieldDef bad = F("bad_code", FieldType::kInteger);
  bad.related = "country_id.code";
  partner.fields.push_back(bad);
  ExpectComputeBuildError({Country(), partner}, "field bad_code: type integer is inconsistent with its target's, char");
}

TEST(ComputeRegistryTest, DisplayNameComputeReplacesTheAutomaticOneOnce) {
  ModelExtension extension;
  extension.model = "res.partner";
  FieldDef display_name = F("display_name", FieldType::kChar);
  display_name.compute = "_compute_display_name";
  display_name.depends = {"complete_name"};
  extension.fields = {display_name};
  extension.computes["_compute_display_name"] = Noop;
  auto r = BuildWithUsers({Country(), ComputedPartner()}, {extension});
  ASSERT_TRUE(r) << r.error().message;
  const Field& field = *(*r)->FindModel("res.partner")->FindField("display_name");
  EXPECT_TRUE(field.computed());
  EXPECT_FALSE(field.stored());
  EXPECT_EQ(field.module(), "contacts");
  // A plain field of that name still collides.
  ModelExtension plain;
  plain.model = "res.partner";
  plain.fields = {F("display_name", FieldType::kChar)};
  ExpectComputeBuildError({Country(), ComputedPartner()}, "the model already has this field", {plain});
}

TEST(ComputeRegistryTest, HooksOfExtensionsAreAppendedAfterTheModels) {
  ModelDef partner = ComputedPartner();
  partner.after_write.push_back([](const RecordSet&, const Value&) {});
  partner.after_create.push_back([](const RecordSet&, const Value&) {});
  ModelExtension extension;
  extension.model = "res.partner";
  extension.after_write.push_back([](const RecordSet&, const Value&) {});
  auto r = BuildWithUsers({Country(), partner}, {extension});
  ASSERT_TRUE(r) << r.error().message;
  const Model& model = *(*r)->FindModel("res.partner");
  EXPECT_EQ(model.after_write().size(), 2u);
  EXPECT_EQ(model.after_create().size(), 1u);
}

TEST(ComputeRegistryTest, ANonStoredComputeCannotDependOnItself) {
  ModelDef partner = ComputedPartner();
  partner.fields[5].depends = {"child_count"};
  ExpectComputeBuildError({Country(), partner}, "a non-stored computed field cannot depend on itself");
}

}  // namespace
}  // namespace citadel::orm
