// contacts on an installed base + contacts: tags show as "Parent / Child",
// cannot be their own ancestors and link partners through Odoo's
// res_partner_res_partner_category_rel; bank accounts are sanitised, unique
// per partner and deleted with their partner.
#include <gtest/gtest.h>

#include "modules/base/tests/installed_base.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules {
namespace {

using orm::Environment;
using orm::RecordSet;
using orm::Value;
using testing::kAdmin;

TEST(ContactsPg, TagsHierarchyAndPartners) {
  const auto& installed = testing::InstalledBaseAndContacts();
  db::Connection c = testing::Connect(installed);
  testing::Rollback rollback(c);
  Environment env(installed.registry, c, kAdmin);
  RecordSet tags = RecordSet::Of(env, "res.partner.category");
  const std::int64_t parent = tags.Create({{"name", "Vendor"}}).at(0);
  const std::int64_t child = tags.Create({{"name", "Gold"}, {"parent_id", parent}}).at(0);
  const Value row = tags.Browse({child}).Read({"display_name", "color"})[0];
  EXPECT_EQ(row["display_name"], "Vendor / Gold");
  EXPECT_GE(row["color"].get<int>(), 1);
  EXPECT_LE(row["color"].get<int>(), 11);
  EXPECT_THROW(tags.Browse({parent}).Write({{"parent_id", child}}), orm::ValidationError);

  RecordSet partners = RecordSet::Of(env, "res.partner");
  Value vals = {{"name", "Tagged"}};
  vals["category_id"] = Value::array({Value::array({6, 0, Value::array({child})})});
  const std::int64_t partner = partners.Create(vals).at(0);
  EXPECT_EQ(tags.Browse({child}).Read({"partner_ids"})[0]["partner_ids"], Value::array({partner}));
  EXPECT_EQ(testing::Scalar(c, "SELECT count(*) FROM res_partner_res_partner_category_rel"), "1");
}

TEST(ContactsPg, BankAccounts) {
  const auto& installed = testing::InstalledBaseAndContacts();
  db::Connection c = testing::Connect(installed);
  testing::Rollback rollback(c);
  Environment env(installed.registry, c, kAdmin);
  RecordSet partners = RecordSet::Of(env, "res.partner");
  const std::int64_t holder = partners.Create({{"name", "Holder"}, {"company_id", 1}}).at(0);
  RecordSet banks = RecordSet::Of(env, "res.partner.bank");
  const std::int64_t bank =
      banks.Create({{"acc_number", "nl91 abna 0417 1643 00"}, {"partner_id", holder}}).at(0);
  const Value row = banks.Browse({bank}).Read(
      {"sanitized_acc_number", "company_id", "acc_holder_name", "display_name"})[0];
  EXPECT_EQ(row["sanitized_acc_number"], "NL91ABNA0417164300");
  EXPECT_EQ(row["company_id"][0], 1);
  EXPECT_EQ(row["acc_holder_name"], "Holder");
  EXPECT_EQ(row["display_name"], "nl91 abna 0417 1643 00");
  EXPECT_EQ(partners.Browse({holder}).Read({"bank_ids"})[0]["bank_ids"], Value::array({bank}));
  partners.Browse({holder}).Unlink();
  EXPECT_EQ(testing::Scalar(c, "SELECT count(*) FROM res_partner_bank"), "0")
      << "ondelete cascade";
}

}  // namespace
}  // namespace citadel::modules
