// RecordSet::Copy against PostgreSQL: Odoo 18's copy_data rules (copy flags,
// many2many links, one2many copied only when copy=true, " (copy)" from the
// model's hook, defaults winning) and the guard on both ends (read the
// source, create the copy).
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

TEST(CopyPg, CopiesFieldsLinksAndCopiedLinesOnly) {
  RecordFixture fx = RecordFixture::Make("copy_fields");
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet partners = RecordSet::Of(env, "res.partner");
  const std::int64_t company = RecordSet::Of(env, "res.company").Create(J(R"({"name": "One"})")).at(0);
  const auto tags = RecordSet::Of(env, "res.partner.category").Create(J(R"([{"name": "a"}, {"name": "b"}])"));
  Value vals = J(R"({"name": "Acme", "comment": "note", "weight": 2.5, "type": "invoice",
      "child_ids": [[0, 0, {"name": "Child"}]],
      "bank_ids": [[0, 0, {"acc_number": "BE01"}], [0, 0, {"acc_number": "BE02"}]]})");
  vals["company_id"] = company;
  vals["category_id"] = Value::array({Value::array({6, 0, tags})});
  const std::int64_t source = partners.Create(vals).at(0);

  const std::vector<std::int64_t> copies = partners.Browse({source}).Copy(nullptr);
  ASSERT_EQ(copies.size(), 1u);
  ASSERT_NE(copies[0], source);
  const Value copy = partners.Browse(copies).Read({"name", "comment", "weight", "type", "company_id",
                                                   "category_id", "child_ids", "bank_ids"})[0];
  EXPECT_EQ(copy["name"], "Acme (copy)") << "res.partner's copy_data hook";
  EXPECT_EQ(copy["comment"], "note");
  EXPECT_DOUBLE_EQ(copy["weight"].get<double>(), 2.5);
  EXPECT_EQ(copy["type"], "invoice");
  EXPECT_EQ(copy["company_id"][0], company);
  EXPECT_EQ(copy["category_id"], Value(tags)) << "many2many copied as links to the same records";
  EXPECT_EQ(copy["child_ids"], Value::array()) << "one2many: copy=false by default";
  ASSERT_EQ(copy["bank_ids"].size(), 2u) << "one2many with copy=true: lines deep-copied";
  const Value source_banks = partners.Browse({source}).Read({"bank_ids"})[0]["bank_ids"];
  EXPECT_EQ(source_banks.size(), 2u) << "the source keeps its own lines";
  for (const Value& line : copy["bank_ids"]) {
    EXPECT_EQ(std::count(source_banks.begin(), source_banks.end(), line), 0);
  }
  const Value lines = RecordSet::Of(env, "res.partner.bank").Browse(copy["bank_ids"].get<std::vector<std::int64_t>>())
                          .Read({"acc_number", "partner_id"});
  EXPECT_EQ(lines[0]["acc_number"], "BE01");
  EXPECT_EQ(lines[1]["acc_number"], "BE02");
  EXPECT_EQ(lines[0]["partner_id"][0], copies[0]);

  // The caller's defaults win; a given name gets no suffix, a falsy one does.
  const auto named = partners.Browse({source}).Copy(J(R"({"name": "Other", "weight": 7.0})"));
  const Value other = partners.Browse(named).Read({"name", "weight"})[0];
  EXPECT_EQ(other["name"], "Other");
  EXPECT_DOUBLE_EQ(other["weight"].get<double>(), 7.0);
  const auto unnamed = partners.Browse({source}).Copy(J(R"({"name": false})"));
  EXPECT_EQ(partners.Browse(unnamed).Read({"name"})[0]["name"], "Acme (copy)");
  // Several records at once, in order.
  const auto two = partners.Browse({source, copies[0]}).Copy(Value::object());
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(partners.Browse(two).Read({"name"})[1]["name"], "Acme (copy) (copy)");
  EXPECT_THROW(partners.Browse({source}).Copy(J(R"({"nope": 1})")), ValidationError);
  EXPECT_THROW(partners.Browse({source}).Copy(J("[1]")), ValidationError);
}

TEST(CopyPg, NeedsReadOnTheSourceAndCreateRights) {
  RecordFixture fx = RecordFixture::Make("copy_access");
  const std::int64_t readers = fx.AddGroup("Readers");
  const std::int64_t editors = fx.AddGroup("Editors");
  fx.AddAccess("res.partner", readers, "r");
  fx.AddAccess("res.partner", editors, "rwc");
  fx.AddAccess("res.partner.bank", editors, "rwc");
  fx.AddAccess("res.partner.category", editors, "r");
  // internal_note (copyable) is for base.group_system: Odoo's copy_data reads
  // it, so copying needs that group too (below).
  const std::int64_t system = fx.AddGroup("Settings", "base.group_system");
  const std::int64_t reader = fx.AddUser("reader", {readers, system});
  const std::int64_t editor = fx.AddUser("editor", {editors, system});
  const std::int64_t outsider = fx.AddUser("outsider", {editors});
  const std::int64_t nobody = fx.AddUser("nobody", {});
  fx.AddRule("res.partner", R"([["type", "=", "contact"]])", {}, "r");
  Environment admin = fx.Env(kAdmin).Sudo();
  RecordSet partners = RecordSet::Of(admin, "res.partner");
  const std::int64_t visible = partners.Create(J(R"({"name": "Visible"})")).at(0);
  const std::int64_t hidden = partners.Create(J(R"({"name": "Hidden", "type": "invoice"})")).at(0);

  Environment as_reader = fx.Env(reader);
  try {
    RecordSet::Of(as_reader, "res.partner").Browse({visible}).Copy(nullptr);
    FAIL() << "a reader cannot create";
  } catch (const AccessError& e) {
    EXPECT_NE(std::string(e.what()).find("You are not allowed to create 'Contact' (res.partner) records."),
              std::string::npos);
  }
  Environment as_nobody = fx.Env(nobody);
  EXPECT_THROW(RecordSet::Of(as_nobody, "res.partner").Browse({visible}).Copy(nullptr), AccessError);
  Environment as_editor = fx.Env(editor);
  EXPECT_THROW(RecordSet::Of(as_editor, "res.partner").Browse({hidden}).Copy(nullptr), AccessError)
      << "the source must be within the read rules";
  Environment as_outsider = fx.Env(outsider);
  try {
    RecordSet::Of(as_outsider, "res.partner").Browse({visible}).Copy(nullptr);
    FAIL() << "copy reads every copyable field, as Odoo's copy_data";
  } catch (const AccessError& e) {
    EXPECT_NE(std::string(e.what()).find("- internal_note"), std::string::npos);
  }
  const auto copied = RecordSet::Of(as_editor, "res.partner").Browse({visible}).Copy(nullptr);
  ASSERT_EQ(copied.size(), 1u);
  EXPECT_EQ(partners.Browse(copied).Read({"name", "create_uid"})[0]["create_uid"][0], editor);
  EXPECT_EQ(partners.SearchCount(Value::array()), 3);
}

}  // namespace
}  // namespace citadel::orm
