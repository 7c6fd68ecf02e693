#include "orm/testing/domain_test_registry.hpp"

#include <stdexcept>

#include "orm/testing/shorthands.hpp"

namespace citadel::orm::testing {
namespace {

ModelDef Users() {
  ModelDef m;
  m.name = "res.users";
  m.rec_name = "login";
  m.fields = {F("login", FieldType::kChar)};
  return m;
}

ModelDef Country() {
  ModelDef m;
  m.name = "res.country";
  FieldDef code = F("code", FieldType::kChar);
  code.size = 2;
  m.fields = {F("name", FieldType::kChar), code};
  return m;
}

ModelDef Category() {
  ModelDef m;
  m.name = "res.partner.category";
  m.parent_name = "parent_id";
  FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner.category");
  children.inverse_name = "parent_id";
  m.fields = {F("name", FieldType::kChar), F("active", FieldType::kBoolean),
              F("parent_id", FieldType::kMany2one, "res.partner.category"), children};
  return m;
}

ModelDef Partner() {
  ModelDef m;
  m.name = "res.partner";
  m.order = "name, id";
  m.parent_name = "parent_id";
  FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner");
  children.inverse_name = "parent_id";
  FieldDef weight = F("weight", FieldType::kFloat);
  weight.digits = std::pair{16, 2};
  FieldDef kind = F("kind", FieldType::kSelection);
  kind.selection = {{"person", "Person"}, {"company", "Company"}, {"other", "Other"}};
  FieldDef upper_name = F("upper_name", FieldType::kChar);
  upper_name.store = false;
  upper_name.compute = "_compute_upper_name";
  FieldDef country_code = F("country_code", FieldType::kChar);
  country_code.related = "country_id.code";
  m.fields = {F("name", FieldType::kChar),
              F("comment", FieldType::kText),
              F("color", FieldType::kInteger),
              F("credit", FieldType::kFloat),
              weight,
              F("is_company", FieldType::kBoolean),
              F("birthday", FieldType::kDate),
              F("last_seen", FieldType::kDatetime),
              kind,
              F("active", FieldType::kBoolean),
              F("parent_id", FieldType::kMany2one, "res.partner"),
              children,
              F("country_id", FieldType::kMany2one, "res.country"),
              F("main_tag_id", FieldType::kMany2one, "res.partner.category"),
              F("category_id", FieldType::kMany2many, "res.partner.category"),
              F("image", FieldType::kBinary),
              upper_name,
              country_code};
  m.computes["_compute_upper_name"] = [](ComputeBatch&) {};
  return m;
}

std::shared_ptr<const Registry> Build() {
  RegistryBuilder builder;
  builder.AddModel("base", Users());
  builder.AddModel("base", Country());
  builder.AddModel("base", Category());
  builder.AddModel("base", Partner());
  auto built = builder.Build();
  if (!built) throw std::runtime_error("test registry: " + built.error().message);
  return *built;
}

}  // namespace

const Registry& DomainTestRegistry() {
  static const std::shared_ptr<const Registry> registry = Build();
  return *registry;
}

const Model& TestPartner() { return *DomainTestRegistry().FindModel("res.partner"); }
const Model& TestCountry() { return *DomainTestRegistry().FindModel("res.country"); }
const Model& TestCategory() { return *DomainTestRegistry().FindModel("res.partner.category"); }

}  // namespace citadel::orm::testing
