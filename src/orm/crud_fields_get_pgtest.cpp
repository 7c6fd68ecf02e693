// RecordSet::FieldsGet against PostgreSQL: the attribute keys Odoo 18 gives
// per field type, the attributes and allfields filters, fields of groups the
// user is not in left out, write-only fields listed.
#include <gtest/gtest.h>

#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/record_set_test_models.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;
using testing::J;
using testing::kAdmin;

std::vector<std::string> Keys(const Value& description) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : description.items()) keys.push_back(key);
  return keys;
}

TEST(FieldsGetPg, KeysPerTypeAsOdoo) {
  RecordFixture fx = RecordFixture::Make("fields_get_types");
  Environment env = fx.Env(kAdmin).Sudo();
  const Value fields = RecordSet::Of(env, "res.partner").FieldsGet({}, {});
  EXPECT_EQ(fields["name"], J(R"({"change_default": false, "company_dependent": false,
      "default_export_compatible": false, "depends": [], "exportable": true, "groupable": true,
      "manual": false, "name": "name", "readonly": false, "required": true, "searchable": true,
      "sortable": true, "store": true, "string": "Name", "translate": false, "trim": true,
      "type": "char"})"));
  EXPECT_EQ(fields["ref"]["size"], 8);
  EXPECT_EQ(fields["color"]["aggregator"], "sum");
  EXPECT_EQ(fields["weight"]["digits"], J("[16, 2]"));
  EXPECT_FALSE(fields["latitude"].contains("digits")) << "None is left out";
  EXPECT_EQ(fields["type"]["selection"], J(R"([["contact", "Contact"], ["invoice", "Invoice"]])"));
  EXPECT_EQ(Keys(fields["parent_id"]),
            (std::vector<std::string>{"allow_hierachy_operators", "change_default", "company_dependent",
                                      "context", "default_export_compatible", "depends", "domain",
                                      "exportable", "groupable", "manual", "name", "readonly", "relation",
                                      "required", "searchable", "sortable", "store", "string", "type"}));
  EXPECT_EQ(fields["parent_id"]["relation"], "res.partner");
  EXPECT_EQ(fields["parent_id"]["allow_hierachy_operators"], true);
  EXPECT_EQ(fields["company_id"]["allow_hierachy_operators"], true) << "res.company has a parent";
  EXPECT_EQ(fields["user_id"]["allow_hierachy_operators"], false);
  EXPECT_EQ(fields["child_ids"]["relation_field"], "parent_id");
  EXPECT_EQ(fields["child_ids"]["sortable"], false);
  EXPECT_EQ(fields["child_ids"]["groupable"], false);
  EXPECT_EQ(fields["category_id"]["groupable"], true);
  EXPECT_FALSE(fields["category_id"].contains("relation_field"));
  EXPECT_EQ(fields["website_description"]["sanitize"], true);
  EXPECT_EQ(fields["website_description"]["strip_style"], false);
  EXPECT_FALSE(fields["credit_limit"].contains("currency_field")) << "no currency_id on the model";
  EXPECT_EQ(fields["id"]["type"], "integer");
  EXPECT_FALSE(fields["id"].contains("aggregator")) << "Odoo's Id field has no aggregator";
  EXPECT_EQ(fields["display_name"]["store"], false);
  EXPECT_EQ(fields["display_name"]["searchable"], true);
  EXPECT_EQ(fields["display_name"]["sortable"], false);
  EXPECT_EQ(fields["display_name"]["depends"], J(R"(["name"])"));
  EXPECT_EQ(fields["create_date"]["readonly"], true);
  EXPECT_EQ(fields["internal_note"]["groups"], "base.group_system") << "su sees every field";

  const Value users = RecordSet::Of(env, "res.users").FieldsGet({"password", "login"}, {"type", "string"});
  EXPECT_EQ(users, J(R"({"login": {"string": "Login", "type": "char"},
                          "password": {"string": "Password", "type": "char"}})"))
      << "write-only fields are listed; filters on fields and attributes";
}

TEST(FieldsGetPg, FieldsOfOtherGroupsAreLeftOut) {
  RecordFixture fx = RecordFixture::Make("fields_get_groups");
  const std::int64_t group = fx.AddGroup("G");
  fx.AddAccess("res.partner", group, "r");
  const std::int64_t user = fx.AddUser("user", {group});
  Environment as_user = fx.Env(user);
  const Value fields = RecordSet::Of(as_user, "res.partner").FieldsGet({}, {"type"});
  EXPECT_TRUE(fields.contains("name"));
  EXPECT_FALSE(fields.contains("internal_note"));
  const std::int64_t system = fx.AddGroup("Settings", "base.group_system");
  const std::int64_t admin = fx.AddUser("settings", {group, system});
  Environment as_admin = fx.Env(admin);
  EXPECT_TRUE(RecordSet::Of(as_admin, "res.partner").FieldsGet({}, {"type"}).contains("internal_note"));
}

}  // namespace
}  // namespace citadel::orm
