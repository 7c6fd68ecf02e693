// check_access / has_access / check_access_rights / check_access_rule
// against PostgreSQL: model rights, then record rules on the records.
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

TEST(AccessCheckPg, RightsThenRules) {
  RecordFixture fx = RecordFixture::Make("access_check");
  const std::int64_t group = fx.AddGroup("G");
  fx.AddAccess("res.partner", group, "rw");
  const std::int64_t user = fx.AddUser("user", {group});
  fx.AddRule("res.partner", R"([["type", "=", "contact"]])", {}, "w");
  Environment admin = fx.Env(kAdmin).Sudo();
  const auto ids = RecordSet::Of(admin, "res.partner").Create(J(R"([{"name": "C"}, {"name": "I", "type": "invoice"}])"));
  Environment env = fx.Env(user);
  RecordSet partners = RecordSet::Of(env, "res.partner");

  EXPECT_TRUE(partners.CheckAccessRights("read", false));
  EXPECT_TRUE(partners.CheckAccessRights("write", true));
  EXPECT_FALSE(partners.CheckAccessRights("create", false));
  EXPECT_THROW(partners.CheckAccessRights("unlink", true), AccessError);
  EXPECT_TRUE(partners.HasAccess("write")) << "no records: the model right alone";
  EXPECT_TRUE(partners.Browse({ids[0]}).HasAccess("write"));
  EXPECT_FALSE(partners.Browse({ids[0], ids[1]}).HasAccess("write")) << "one record outside the rule";
  EXPECT_TRUE(partners.Browse({ids[1]}).HasAccess("read")) << "the rule is for write only";
  EXPECT_NO_THROW(partners.Browse({ids[0]}).CheckAccess("write"));
  try {
    partners.Browse({ids[1]}).CheckAccess("write");
    FAIL();
  } catch (const AccessError& e) {
    EXPECT_NE(std::string(e.what()).find("Sorry, you don't have 'write' access to:\n- Contact (res.partner)"),
              std::string::npos);
  }
  EXPECT_THROW(partners.Browse({ids[1]}).CheckAccessRule("write"), AccessError);
  EXPECT_THROW(partners.Browse({ids[0]}).CheckAccess("create"), AccessError);
  EXPECT_THROW(partners.CheckAccess("delete"), ValidationError);
  EXPECT_TRUE(RecordSet::Of(env.Sudo(), "res.partner").Browse({ids[1]}).HasAccess("unlink")) << "su";
}

}  // namespace
}  // namespace citadel::orm
