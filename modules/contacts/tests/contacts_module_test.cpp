// contacts as a module, without a database: it depends on base, its files
// are embedded, the registry of base + contacts builds with Odoo's names
// (res_partner_res_partner_category_rel), and account numbers sanitise as
// Odoo's sanitize_account_number.
#include <gtest/gtest.h>

#include "modules/base/base_module.hpp"
#include "modules/contacts/contacts_module.hpp"
#include "orm/access_csv.hpp"
#include "orm/module_data.hpp"

namespace citadel::modules {
namespace {

TEST(ContactsModule, RegistryOfBaseAndContacts) {
  orm::ModuleSet set;
  set.Add(ContactsModule());
  set.Add(BaseModule());
  auto order = set.LoadOrder();
  ASSERT_TRUE(order.has_value());
  ASSERT_EQ(order->size(), 2u);
  EXPECT_EQ((*order)[0]->manifest.name, "base");
  EXPECT_EQ((*order)[1]->manifest.name, "contacts");
  auto registry = set.BuildRegistry();
  ASSERT_TRUE(registry.has_value()) << registry.error().message;

  const orm::Model& partner = *(*registry)->FindModel("res.partner");
  const orm::Field& tags = *partner.FindField("category_id");
  EXPECT_EQ(tags.def().relation, "res_partner_res_partner_category_rel");
  EXPECT_EQ(tags.def().column1, "partner_id");
  EXPECT_EQ(tags.def().column2, "category_id");
  EXPECT_EQ(tags.module(), "contacts");
  EXPECT_NE(partner.FindField("bank_ids"), nullptr);
  const orm::Model& bank = *(*registry)->FindModel("res.partner.bank");
  EXPECT_TRUE(bank.FindField("sanitized_acc_number")->stored());
  EXPECT_EQ(bank.FindField("partner_id")->def().ondelete, orm::OnDelete::kCascade);

  const orm::Module contacts = ContactsModule();
  auto lines = orm::ParseAccessCsv(contacts.files.at("security/access.csv"), "contacts",
                                   "contacts/security/access.csv");
  ASSERT_TRUE(lines.has_value()) << lines.error().message;
  EXPECT_TRUE(orm::ResolveAccessModels(*lines, **registry, "contacts/security/access.csv"));
  auto rules = orm::ParseDataToml(contacts.files.at("security/rules.toml"), "contacts",
                                  "contacts/security/rules.toml");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  EXPECT_EQ(rules->rules.size(), 1u);
}

TEST(ContactsModule, ContactsAloneMissesBase) {
  orm::ModuleSet set;
  set.Add(ContactsModule());
  auto registry = set.BuildRegistry();
  ASSERT_FALSE(registry.has_value());
  EXPECT_NE(registry.error().message.find("base"), std::string::npos);
}

TEST(ContactsModule, SanitizeAccountNumber) {
  EXPECT_EQ(contacts::SanitizeAccountNumber("be71 0961-2345.6769"), "BE71096123456769");
  EXPECT_EQ(contacts::SanitizeAccountNumber(" a_b "), "A_B");
  EXPECT_EQ(contacts::SanitizeAccountNumber(""), "");
}

}  // namespace
}  // namespace citadel::modules
