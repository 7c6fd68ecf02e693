#include "orm/registry.hpp"

#include <gtest/gtest.h>

#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using testing::F;

ModelDef Users() {
  ModelDef m;
  m.name = "res.users";
  m.fields = {F("login", FieldType::kChar)};
  m.rec_name = "login";
  return m;
}

ModelDef Partner() {
  ModelDef m;
  m.name = "res.partner";
  m.order = "name, id desc";
  m.parent_name = "parent_id";
  FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner");
  children.inverse_name = "parent_id";
  m.fields = {F("name", FieldType::kChar), F("active", FieldType::kBoolean),
              F("parent_id", FieldType::kMany2one, "res.partner"), children,
              F("category_id", FieldType::kMany2many, "res.partner.category")};
  return m;
}

ModelDef Category() {
  ModelDef m;
  m.name = "res.partner.category";
  m.fields = {F("name", FieldType::kChar)};
  return m;
}

core::Result<std::shared_ptr<const Registry>> BuildWith(std::vector<ModelDef> models,
                                                        std::vector<ModelExtension> extensions = {}) {
  RegistryBuilder b;
  for (auto& m : models) b.AddModel("base", std::move(m));
  for (auto& e : extensions) b.ExtendModel("contacts", std::move(e));
  return b.Build();
}

TEST(RegistryTest, ResolvesModelsFieldsAndRelations) {
  auto r = BuildWith({Users(), Partner(), Category()});
  ASSERT_TRUE(r) << r.error().message;
  const Model* partner = (*r)->FindModel("res.partner");
  ASSERT_NE(partner, nullptr);
  EXPECT_EQ(partner->table(), "res_partner");
  for (const char* automatic : {"id", "create_uid", "create_date", "write_uid", "write_date", "display_name"}) {
    EXPECT_NE(partner->FindField(automatic), nullptr) << automatic;
  }
  EXPECT_FALSE(partner->FindField("display_name")->stored());
  EXPECT_EQ(partner->FindField("create_uid")->comodel(), (*r)->FindModel("res.users"));
  EXPECT_EQ(partner->FindField("child_ids")->inverse(), partner->FindField("parent_id"));
  EXPECT_EQ(partner->parent(), partner->FindField("parent_id"));
  EXPECT_EQ(partner->active(), partner->FindField("active"));
  EXPECT_EQ(partner->rec_name(), partner->FindField("name"));
  EXPECT_EQ((*r)->FindModel("res.users")->rec_name()->name(), "login");
  const auto& m2m = partner->FindField("category_id")->def();
  EXPECT_EQ(m2m.relation, "res_partner_res_partner_category_rel");
  EXPECT_EQ(m2m.column1, "res_partner_id");
  EXPECT_EQ(m2m.column2, "res_partner_category_id");
  ASSERT_EQ(partner->default_order().size(), 2u);
  EXPECT_TRUE(partner->default_order()[1].descending);
  EXPECT_EQ(partner->FindField("parent_id")->def().string, "Parent");
}

TEST(RegistryTest, ExtensionsAddFieldsWithoutEditingTheModel) {
  ModelExtension e;
  e.model = "res.partner";
  e.fields = {F("ref", FieldType::kChar)};
  e.exposed_methods = {"action_archive"};
  e.methods["action_archive"] = [](const RecordSet&, const Value&, const Value&) { return Value(true); };
  auto r = BuildWith({Users(), Partner(), Category()}, {e});
  ASSERT_TRUE(r) << r.error().message;
  const Model* partner = (*r)->FindModel("res.partner");
  ASSERT_NE(partner->FindField("ref"), nullptr);
  EXPECT_EQ(partner->FindField("ref")->module(), "contacts");
  EXPECT_EQ(partner->modules(), (std::vector<std::string>{"base", "contacts"}));
  EXPECT_TRUE(partner->IsExposed("action_archive"));
  EXPECT_TRUE(partner->IsExposed("search_read"));
  EXPECT_FALSE(partner->IsExposed("unknown_method"));
}

TEST(RegistryTest, UnderscoreMethodsAreNeverExposed) {
  // Declaring one is a build error, and even a built model never answers yes.
  ModelDef p = Partner();
  p.exposed_methods = {"_private"};
  p.methods["_private"] = [](const RecordSet&, const Value&, const Value&) { return Value(true); };
  auto refused = BuildWith({Users(), p, Category()});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("_private"), std::string::npos) << refused.error().message;
  auto r = BuildWith({Users(), Partner(), Category()});
  ASSERT_TRUE(r);
  EXPECT_FALSE((*r)->FindModel("res.partner")->IsExposed("_private"));
  EXPECT_FALSE((*r)->FindModel("res.partner")->IsExposed("__init__"));
}

void ExpectBuildError(std::vector<ModelDef> models, std::vector<ModelExtension> ext, const std::string& needle) {
  auto r = BuildWith(std::move(models), std::move(ext));
  ASSERT_FALSE(r) << "expected an error containing: " << needle;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

TEST(RegistryTest, WrongNamesFailAtBuildNamingWhatIsWrong) {
  ModelDef bad_comodel = Partner();
  bad_comodel.fields.push_back(F("country_id", FieldType::kMany2one, "res.country"));
  ExpectBuildError({Users(), bad_comodel, Category()}, {}, "field country_id: unknown comodel res.country");

  ModelDef bad_inverse = Partner();
  bad_inverse.fields[3].inverse_name = "name";
  ExpectBuildError({Users(), bad_inverse, Category()}, {}, "inverse_name name is not a many2one");

  ModelDef bad_name = Category();
  bad_name.fields.push_back(F("Name; DROP TABLE x", FieldType::kChar));
  ExpectBuildError({Users(), Partner(), bad_name}, {}, "bad field name");

  ExpectBuildError({Users(), Partner(), Category(), Category()}, {}, "declared twice");

  ModelExtension unknown;
  unknown.model = "res.nothing";
  ExpectBuildError({Users(), Partner(), Category()}, {unknown}, "extends unknown model res.nothing");

  ModelExtension dup;
  dup.model = "res.partner";
  dup.fields = {F("name", FieldType::kChar)};
  ExpectBuildError({Users(), Partner(), Category()}, {dup}, "already has this field");

  ModelDef bad_order = Partner();
  bad_order.order = "nope desc";
  ExpectBuildError({Users(), bad_order, Category()}, {}, "order");

  ModelDef bad_related = Partner();
  FieldDef rel = F("parent_name", FieldType::kChar);
  rel.related = "parent_id.nonexistent";
  bad_related.fields.push_back(rel);
  ExpectBuildError({Users(), bad_related, Category()}, {}, "does not resolve at nonexistent");

  ModelDef bad_compute = Category();
  FieldDef computed = F("count", FieldType::kInteger);
  computed.compute = "_compute_count";
  bad_compute.fields.push_back(computed);
  ExpectBuildError({Users(), Partner(), bad_compute}, {}, "unknown compute method _compute_count");

  ModelDef bad_search = Partner();
  bad_search.rec_names_search = {"name", "parent_id.nope"};
  ExpectBuildError({Users(), bad_search, Category()}, {}, "rec_names_search parent_id.nope: no field nope");
  bad_search.rec_names_search = {"name.x"};
  ExpectBuildError({Users(), bad_search, Category()}, {}, "rec_names_search name.x: name is not relational");
  bad_search.rec_names_search = {"name", "parent_id.name", "category_id.name"};
  auto good = BuildWith({Users(), bad_search, Category()});
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ((*good)->FindModel("res.partner")->rec_names_search().size(), 3u);
}

TEST(OrderParserTest, ValidTermsAndEveryError) {
  auto r = BuildWith({Users(), Partner(), Category()});
  ASSERT_TRUE(r);
  const Model& partner = *(*r)->FindModel("res.partner");
  auto terms = ParseOrder(partner, " name DESC nulls last , id ");
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].field->name(), "name");
  EXPECT_TRUE(terms[0].descending);
  EXPECT_EQ(terms[0].nulls, OrderTerm::Nulls::kLast);
  EXPECT_FALSE(terms[1].descending);
  EXPECT_TRUE(ParseOrder(partner, "").empty());
  for (const char* bad : {"name;drop table x", "name desc desc", "child_ids", "display_name", "name,,id",
                          "name nulls", "name nulls middle", "(select 1)", "name, "}) {
    EXPECT_THROW(ParseOrder(partner, bad), ValidationError) << bad;
  }
  EXPECT_THROW(ParseOrder(partner, std::string(2000, 'a')), ValidationError);
}

}  // namespace
}  // namespace citadel::orm
