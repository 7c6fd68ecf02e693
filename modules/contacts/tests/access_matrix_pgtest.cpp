// The access matrix of contacts, as base's (modules/base/tests/
// access_matrix_pgtest.cpp): every profile x EVERY model contacts registers
// x read/write/create/unlink against Odoo 18's lines for them (contacts
// moved them from base in Odoo: base/security/ir.model.access.csv's
// res.partner.category and res.partner.bank lines, copied by hand); real
// calls as each profile; and the bank accounts' multi-company rule with two
// companies (a bank account follows its holder's company).
#include "modules/base/tests/access_matrix.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace citadel::modules {
namespace {

using orm::AccessGuard;
using orm::Environment;
using orm::Operation;
using orm::RecordSet;
using orm::Value;
using testing::AccessLine;
using testing::Connect;
using testing::InstalledBaseAndContacts;
using testing::kAdmin;
using testing::Ref;
using testing::Rollback;

const std::vector<AccessLine>& ContactsLines() {
  static const std::vector<AccessLine> lines = {
      {"res.partner.bank", "group_user", "r"},
      {"res.partner.bank", "group_partner_manager", "rwcu"},
      {"res.partner.category", "group_user", "r"},
      {"res.partner.category", "group_partner_manager", "rwcu"},
  };
  return lines;
}

TEST(ContactsAccessMatrix, EveryModelOfContactsHasAnExpectedRow) {
  const auto& installed = InstalledBaseAndContacts();
  const std::vector<std::string> models = testing::ModelsOf(*installed.registry, "contacts");
  EXPECT_EQ(models.size(), 2u);
  for (const auto& model : models) {
    EXPECT_TRUE(std::any_of(ContactsLines().begin(), ContactsLines().end(),
                            [&](const AccessLine& line) { return line.model == model; }))
        << model << " is a model of contacts without an expected row";
  }
}

TEST(ContactsAccessMatrix, EveryGroupModelAndOperationAsOdoo) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const auto users = testing::ProfileUsers(admin, "cmatrix_");
  const std::vector<std::string> models = testing::ModelsOf(*installed.registry, "contacts");
  int checked = 0;
  for (const auto& [profile, uid] : users) {
    Environment env(installed.registry, c, uid);
    for (const auto& name : models) {
      for (auto [op, perm] : testing::Operations()) {
        EXPECT_EQ(AccessGuard::HasModelAccess(env, env.GetModel(name), op),
                  testing::ExpectedRight(ContactsLines(), profile, name, perm))
            << profile << " " << name << " " << perm;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(6 * models.size() * 4));
}

TEST(ContactsAccessMatrix, RealOperationsAsEachProfile) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const auto users = testing::ProfileUsers(admin, "cops_");
  const char* kSecret = "Contacts-s3cret-K9";
  const std::string iban = "BE71 0961 2345 6769";
  // A holder without company: the bank rule lets every internal user see it.
  const std::int64_t holder = RecordSet::Of(admin, "res.partner").Create({{"name", kSecret}}).at(0);
  const std::int64_t tag = RecordSet::Of(admin, "res.partner.category").Create({{"name", kSecret}}).at(0);
  const std::int64_t bank =
      RecordSet::Of(admin, "res.partner.bank").Create({{"acc_number", iban}, {"partner_id", holder}}).at(0);
  int made = 0;
  std::vector<testing::OperationSample> samples = {
      {"res.partner.category", [&](std::int64_t) { return tag; },
       [&](int n) { return Value{{"name", std::string(kSecret) + " " + std::to_string(n)}}; },
       {{"name", "changed"}},
       [&] {
         return RecordSet::Of(admin, "res.partner.category")
             .Create({{"name", std::string(kSecret) + " fresh " + std::to_string(++made)}})
             .at(0);
       },
       {kSecret}},
      {"res.partner.bank", [&](std::int64_t) { return bank; },
       [&](int n) { return Value{{"acc_number", "NL91 ABNA 0417 1643 " + std::to_string(n)}, {"partner_id", holder}}; },
       {{"bank_name", "changed"}},
       [&] {
         return RecordSet::Of(admin, "res.partner.bank")
             .Create({{"acc_number", "DE89 3704 0044 0532 0130 0" + std::to_string(++made)}, {"partner_id", holder}})
             .at(0);
       },
       {kSecret, "0961", "3704"}},
  };
  const int refused = testing::CheckRealOperations(c, installed.registry, users, ContactsLines(), samples);
  EXPECT_GT(refused, 20);
}

// A bank account is in its holder's company (the stored related company_id)
// and the rule hides other companies' accounts: a user of A neither sees,
// creates, writes nor deletes B's; narrowing a member of both to A hides them.
TEST(ContactsAccessMatrix, BankAccountsUnderTwoCompanies) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  const std::int64_t a = 1;
  const std::int64_t b =
      RecordSet::Of(admin, "res.company").Create({{"name", "Company B"}, {"currency_id", Ref(c, "base.EUR")}}).at(0);
  const char* kSecret = "Holder in B";
  const std::int64_t holder_b = RecordSet::Of(admin, "res.partner").Create({{"name", kSecret}, {"company_id", b}}).at(0);
  const std::int64_t holder_a = RecordSet::Of(admin, "res.partner").Create({{"name", "Holder in A"}, {"company_id", a}}).at(0);
  RecordSet banks = RecordSet::Of(admin, "res.partner.bank");
  const std::int64_t bank_b = banks.Create({{"acc_number", "BE71 0961 2345 6769"}, {"partner_id", holder_b}}).at(0);
  const std::int64_t bank_a = banks.Create({{"acc_number", "NL91 ABNA 0417 1643 00"}, {"partner_id", holder_a}}).at(0);
  EXPECT_EQ(banks.Browse({bank_b}).Read({"sanitized_acc_number", "company_id"})[0]["sanitized_acc_number"],
            "BE71096123456769");
  const std::int64_t only_a =
      testing::MakeUser(admin, "cb_only_a", {"group_user", "group_partner_manager"}, Value::array({a}), a);
  const std::int64_t both =
      testing::MakeUser(admin, "cb_both", {"group_user", "group_partner_manager"}, Value::array({a, b}), a);
  auto env_of = [&](std::int64_t uid, Value allowed) {
    return Environment(installed.registry, c, uid, {{"allowed_company_ids", std::move(allowed)}});
  };
  auto sorted = [](std::vector<std::int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };

  Environment env_a = env_of(only_a, Value::array({a}));
  EXPECT_EQ(RecordSet::Of(env_a, "res.partner.bank").Search(Value::array()), std::vector<std::int64_t>{bank_a});
  for (const auto& [operation, call] :
       std::vector<std::pair<Operation, std::function<void()>>>{
           {Operation::kRead, [&] { RecordSet::Of(env_a, "res.partner.bank").Browse({bank_b}).Read({"acc_number"}); }},
           {Operation::kWrite,
            [&] { RecordSet::Of(env_a, "res.partner.bank").Browse({bank_b}).Write({{"bank_name", "x"}}); }},
           {Operation::kUnlink, [&] { RecordSet::Of(env_a, "res.partner.bank").Browse({bank_b}).Unlink(); }},
           {Operation::kCreate,
            [&] {
              RecordSet::Of(env_a, "res.partner.bank").Create({{"acc_number", "FR76 3000 6000 0112 3456 7890 189"},
                                                               {"partner_id", holder_b}});
            }}}) {
    const std::string what = "A's user, " + std::string(orm::OperationName(operation)) + " on B's account";
    const std::string refusal = testing::AccessRefusal(c, call, what);
    EXPECT_NE(refusal, "") << what;
    testing::ExpectRefusalShape(refusal, "res.partner.bank", operation, {kSecret, "0961"}, what);
  }
  // A member of both: both accounts with [A, B], A's only with [A].
  EXPECT_EQ(sorted(RecordSet::Of(env_of(both, Value::array({a, b})), "res.partner.bank").Search(Value::array())),
            sorted({bank_a, bank_b}));
  EXPECT_EQ(RecordSet::Of(env_of(both, Value::array({a})), "res.partner.bank").Search(Value::array()),
            std::vector<std::int64_t>{bank_a});
}

}  // namespace
}  // namespace citadel::modules
