// res.partner's address synchronisation on WRITE, as Odoo 18's write() ->
// _fields_sync() -> onchange_parent_id() / _children_sync(): an existing
// partner that becomes a contact, or gets a parent, takes the parent's whole
// address (when the parent has one); a company's address change, street2 and
// state_id included, reaches its active contacts of type "contact" only
// (child_ids is active children only in Odoo 18), and its commercial fields
// reach every active person below it.
#include <gtest/gtest.h>

#include "modules/base/tests/installed_base.hpp"
#include "orm/record_set.hpp"

// A named namespace: the test binary is a unity build, and
// res_partner_pgtest.cpp has helpers of the same names.
namespace citadel::modules::partner_sync_test {

using orm::Environment;
using orm::RecordSet;
using orm::Value;
using testing::Connect;
using testing::InstalledBaseAndContacts;
using testing::Ref;
using testing::Rollback;
using testing::kAdmin;

Value J(const char* json) { return Value::parse(json); }

const std::vector<std::string> kAddress = {"street", "street2", "zip", "city", "state_id", "country_id"};

struct PartnerSyncTest : ::testing::Test {
  const testing::Installed& installed = InstalledBaseAndContacts();
  db::Connection connection = Connect(installed);
  Rollback rollback{connection};
  Environment env{installed.registry, connection, kAdmin};
  RecordSet partners = RecordSet::Of(env, "res.partner");
  std::int64_t be = Ref(connection, "base.be");
  std::vector<std::int64_t> be_states =
      RecordSet::Of(env, "res.country.state").Search(Value::array({Value::array({"country_id", "=", be})}), 0, 2, "id");
  std::int64_t acme = 0;

  void SetUp() override {
    ASSERT_EQ(be_states.size(), 2u) << "iso-codes gives Belgium its provinces";
    Value vals = J(R"({"name": "Acme", "is_company": true, "street": "Rue 1", "street2": "Bloc A",
                       "zip": "4000", "city": "Liège", "vat": "BE0477472701"})");
    vals["country_id"] = be;
    vals["state_id"] = be_states[0];
    acme = Create(vals);
  }

  std::int64_t Create(const Value& vals) { return partners.Create(vals).at(0); }
  std::int64_t Child(const char* json) {
    Value vals = J(json);
    vals["parent_id"] = acme;
    return Create(vals);
  }
  Value Row(std::int64_t id, const std::vector<std::string>& fields) {
    Value context = env.context();
    context["active_test"] = false;
    return RecordSet::Of(env.WithContext(context), "res.partner").Browse({id}).Read(fields)[0];
  }
  void Write(std::int64_t id, const Value& vals) { partners.Browse({id}).Write(vals); }
  // The address fields of `id` as they read, each many2one as its id.
  std::vector<Value> Address(std::int64_t id) {
    const Value row = Row(id, kAddress);
    std::vector<Value> out;
    for (const auto& field : kAddress) {
      out.push_back(row[field].is_array() ? row[field][0] : row[field]);
    }
    return out;
  }
};

TEST_F(PartnerSyncTest, AnExistingAddressThatBecomesAContactTakesItsCompanysAddress) {
  const std::int64_t dock = Child(R"({"name": "Dock", "type": "delivery", "street": "Quai 3",
                                      "city": "Antwerpen", "zip": "2000"})");
  EXPECT_EQ(Row(dock, {"street"})["street"], "Quai 3") << "a delivery address keeps its own";
  Write(dock, J(R"({"type": "contact"})"));
  EXPECT_EQ(Address(dock), Address(acme));
  EXPECT_EQ(Row(dock, {"street2"})["street2"], "Bloc A");
}

TEST_F(PartnerSyncTest, AnExistingPartnerGivenAParentTakesItsAddressAndCommercialFields) {
  const std::int64_t jane = Create(J(R"({"name": "Jane", "street": "Home 1", "city": "Brugge"})"));
  Write(jane, Value{{"parent_id", acme}});
  EXPECT_EQ(Address(jane), Address(acme));
  const Value row = Row(jane, {"vat", "commercial_partner_id", "display_name"});
  EXPECT_EQ(row["vat"], "BE0477472701");
  EXPECT_EQ(row["commercial_partner_id"][0], acme);
  EXPECT_EQ(row["display_name"], "Acme, Jane");

  // A parent without any address leaves the contact's own (Odoo's
  // onchange_parent_id copies only an address that has a value).
  const std::int64_t empty = Create(J(R"({"name": "Empty Co", "is_company": true})"));
  const std::int64_t joe = Create(J(R"({"name": "Joe", "street": "Own 2", "city": "Gent"})"));
  Write(joe, Value{{"parent_id", empty}});
  EXPECT_EQ(Row(joe, {"street"})["street"], "Own 2");
}

TEST_F(PartnerSyncTest, Street2AndStateReachTheCompanysActiveContactsOnly) {
  const std::int64_t john = Child(R"({"name": "John"})");
  const std::int64_t invoice = Child(R"({"name": "Billing", "type": "invoice", "street": "Post 5"})");
  const std::int64_t gone = Child(R"({"name": "Gone"})");
  Write(gone, J(R"({"active": false})"));
  const std::vector<Value> gone_before = Address(gone);

  Value moved = J(R"({"street2": "Floor 3"})");
  moved["state_id"] = be_states[1];
  Write(acme, moved);
  const Value row = Row(john, {"street2", "state_id", "street"});
  EXPECT_EQ(row["street2"], "Floor 3");
  EXPECT_EQ(row["state_id"][0], be_states[1]);
  EXPECT_EQ(row["street"], "Rue 1");
  EXPECT_EQ(Row(invoice, {"street2"})["street2"], false) << "an invoice address is not a contact";
  EXPECT_EQ(Row(invoice, {"state_id"})["state_id"], false);
  EXPECT_EQ(Address(gone), gone_before) << "Odoo 18's child_ids are the active children";

  Write(acme, J(R"({"vat": "BE0000000097"})"));
  EXPECT_EQ(Row(john, {"vat"})["vat"], "BE0000000097");
  EXPECT_EQ(Row(invoice, {"vat"})["vat"], "BE0000000097") << "commercial fields reach every person";
  EXPECT_EQ(Row(gone, {"vat"})["vat"], "BE0477472701") << "but not an archived one";
}

}  // namespace citadel::modules::partner_sync_test
