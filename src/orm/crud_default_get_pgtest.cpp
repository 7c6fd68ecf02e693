// RecordSet::DefaultGet against PostgreSQL: the context's default_<field>
// first, then constant and function defaults, only the requested names, and
// nothing for a field the user may not see; create takes the context's
// defaults too (Odoo's _add_missing_default_values).
#include <gtest/gtest.h>

#include "orm/record_set.hpp"
#include "orm/record_set_test_models.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;
using testing::J;

TEST(DefaultGetPg, ContextThenFieldDefaults) {
  RecordFixture fx = RecordFixture::Make("default_get");
  const std::int64_t group = fx.AddGroup("G");
  fx.AddAccess("res.partner", group, "rwc");
  const std::int64_t user = fx.AddUser("user", {group});
  Environment env = fx.Env(user);
  RecordSet partners = RecordSet::Of(env, "res.partner");
  Value expected = J(R"({"type": "contact"})");
  expected["color"] = user * 10;
  expected["active"] = true;
  EXPECT_EQ(partners.DefaultGet({"type", "color", "name", "active", "nope"}), expected)
      << "constants and functions of the environment, no entry without a default";
  EXPECT_EQ(partners.DefaultGet({"name"}), Value::object());

  Environment with_context = env.WithContext(J(R"({"default_name": "From context", "default_type": "invoice",
      "default_parent_id": [7, "Seven"], "default_category_id": [1, 2], "default_nope": 3,
      "default_internal_note": "secret"})"));
  EXPECT_EQ(RecordSet::Of(with_context, "res.partner")
                .DefaultGet({"name", "type", "parent_id", "category_id", "nope", "internal_note"}),
            J(R"({"name": "From context", "type": "invoice", "parent_id": 7,
                  "category_id": [[6, 0, [1, 2]]], "nope": 3})"))
      << "context first (even for a name that is no field), many2one as its id, x2many as a command";
}

TEST(DefaultGetPg, CreateFillsMissingFieldsFromTheContext) {
  RecordFixture fx = RecordFixture::Make("create_context_defaults");
  const std::int64_t group = fx.AddGroup("G");
  fx.AddAccess("res.partner", group, "rwc");
  const std::int64_t user = fx.AddUser("user", {group});
  Environment env = fx.Env(user).WithContext(J(R"({"default_name": "From context", "default_type": "invoice",
      "default_color": 42, "default_nope": 3, "default_internal_note": "secret"})"));
  RecordSet partners = RecordSet::Of(env, "res.partner");

  const std::vector<std::int64_t> ids = partners.Create(J(R"([{}, {"name": "Given", "color": 5}])"));
  ASSERT_EQ(ids.size(), 2u);
  Value rows = RecordSet::Of(fx.Env(user).Sudo(), "res.partner").Browse(ids).Read(
      {"name", "type", "color", "internal_note"});
  EXPECT_EQ(rows[0]["name"], "From context");
  EXPECT_EQ(rows[0]["type"], "invoice");
  EXPECT_EQ(rows[0]["color"], 42) << "the context's default before the field's own function";
  EXPECT_EQ(rows[0]["internal_note"], false) << "a field of groups the caller is not in takes no context default";
  EXPECT_EQ(rows[1]["name"], "Given") << "the caller's own values win";
  EXPECT_EQ(rows[1]["color"], 5);
  EXPECT_EQ(rows[1]["type"], "invoice");
}

}  // namespace
}  // namespace citadel::orm
