// res.partner as Odoo 18 behaves, on an installed base + contacts:
// display_name "Company, Contact", complete_name, commercial_partner_id the
// top company, a contact's address following its company's, commercial
// fields following the commercial entity, company_type, the default order,
// recursion refused.
#include <gtest/gtest.h>

#include "modules/base/models/res_partner_behaviour.hpp"
#include "modules/base/tests/installed_base.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules {
namespace {

using orm::Environment;
using orm::RecordSet;
using orm::Value;
using testing::Connect;
using testing::InstalledBaseAndContacts;
using testing::Ref;
using testing::Rollback;
using testing::kAdmin;

Value J(const char* json) { return Value::parse(json); }

struct PartnerTest : ::testing::Test {
  const testing::Installed& installed = InstalledBaseAndContacts();
  db::Connection connection = Connect(installed);
  Rollback rollback{connection};
  Environment env{installed.registry, connection, kAdmin};
  RecordSet partners = RecordSet::Of(env, "res.partner");

  std::int64_t Create(const Value& vals) { return partners.Create(vals).at(0); }
  Value Row(std::int64_t id, const std::vector<std::string>& fields) {
    return partners.Browse({id}).Read(fields)[0];
  }
};

TEST_F(PartnerTest, DisplayNameCompleteNameAndCommercialPartner) {
  const std::int64_t acme = Create(J(R"({"name": "Acme", "is_company": true})"));
  Value john_vals = J(R"({"name": "John"})");
  john_vals["parent_id"] = acme;
  const std::int64_t john = Create(john_vals);
  Value row = Row(john, {"display_name", "complete_name", "commercial_partner_id",
                         "commercial_company_name", "company_type", "parent_name"});
  EXPECT_EQ(row["display_name"], "Acme, John");
  EXPECT_EQ(row["complete_name"], "Acme, John");
  EXPECT_EQ(row["commercial_partner_id"], Value::array({acme, "Acme"}));
  EXPECT_EQ(row["commercial_company_name"], "Acme");
  EXPECT_EQ(row["company_type"], "person");
  EXPECT_EQ(row["parent_name"], "Acme");
  EXPECT_EQ(Row(acme, {"company_type", "commercial_partner_id"})["commercial_partner_id"],
            Value::array({acme, "Acme"}));

  // A nameless invoice address shows its type; a grandchild's commercial
  // partner is the top company.
  Value invoice_vals = J(R"({"type": "invoice"})");
  invoice_vals["parent_id"] = john;
  const std::int64_t invoice = Create(invoice_vals);
  row = Row(invoice, {"display_name", "commercial_partner_id"});
  EXPECT_EQ(row["display_name"], "Acme, Invoice Address");
  EXPECT_EQ(row["commercial_partner_id"][0], acme);

  // Renaming the company renames its contacts (stored computes follow).
  partners.Browse({acme}).Write(J(R"({"name": "Acme Corp"})"));
  EXPECT_EQ(Row(john, {"display_name"})["display_name"], "Acme Corp, John");
  EXPECT_EQ(Row(invoice, {"display_name"})["display_name"], "Acme Corp, Invoice Address");

  // company_type writes is_company back.
  partners.Browse({john}).Write(J(R"({"company_type": "company"})"));
  row = Row(john, {"is_company", "display_name", "commercial_partner_id"});
  EXPECT_EQ(row["is_company"], true);
  EXPECT_EQ(row["display_name"], "John");
  EXPECT_EQ(row["commercial_partner_id"][0], john);
  EXPECT_EQ(Row(invoice, {"commercial_partner_id"})["commercial_partner_id"][0], john);
}

TEST_F(PartnerTest, ContactAddressFollowsItsCompany) {
  const std::int64_t be = Ref(connection, "base.be");
  Value acme_vals = J(R"({"name": "Acme", "is_company": true, "street": "Rue 1", "city": "Liège",
                          "zip": "4000", "vat": "BE0477472701"})");
  acme_vals["country_id"] = be;
  const std::int64_t acme = Create(acme_vals);
  Value john_vals = J(R"({"name": "John", "street": "Elsewhere 9"})");
  john_vals["parent_id"] = acme;
  const std::int64_t john = Create(john_vals);
  Value row = Row(john, {"street", "city", "zip", "country_id", "vat"});
  EXPECT_EQ(row["street"], "Rue 1") << "a contact takes its company's address on create";
  EXPECT_EQ(row["city"], "Liège");
  EXPECT_EQ(row["country_id"][0], be);
  EXPECT_EQ(row["vat"], "BE0477472701") << "commercial fields come from the commercial entity";

  Value delivery_vals = J(R"({"name": "Dock", "type": "delivery", "street": "Quai 3"})");
  delivery_vals["parent_id"] = acme;
  const std::int64_t dock = Create(delivery_vals);

  // The company moves: its contacts follow, its other addresses do not.
  partners.Browse({acme}).Write(J(R"({"street": "Boulevard 2", "city": "Namur", "zip": "5000"})"));
  row = Row(john, {"street", "city", "zip"});
  EXPECT_EQ(row["street"], "Boulevard 2");
  EXPECT_EQ(row["city"], "Namur");
  EXPECT_EQ(row["zip"], "5000");
  EXPECT_EQ(Row(dock, {"street"})["street"], "Quai 3");

  partners.Browse({acme}).Write(J(R"({"vat": "BE0000000097"})"));
  EXPECT_EQ(Row(john, {"vat"})["vat"], "BE0000000097");
  EXPECT_NE(Row(john, {"contact_address"})["contact_address"].get<std::string>().find("Namur"),
            std::string::npos);
}

TEST_F(PartnerTest, FirstContactGivesAnAddresslessCompanyItsAddress) {
  const std::int64_t acme = Create(J(R"({"name": "Empty Co", "is_company": true})"));
  Value vals = J(R"({"name": "First", "street": "Main St 5", "city": "Ghent"})");
  vals["parent_id"] = acme;
  Create(vals);
  EXPECT_EQ(Row(acme, {"street"})["street"], "Main St 5");
}

// Odoo 18's _rec_names_search: name_search finds a partner by its complete
// name, email, reference, VAT or company registry; a negative operator keeps
// only the partners none of them matches.
TEST_F(PartnerTest, NameSearchMatchesCompleteNameEmailRefVatOrRegistry) {
  const std::int64_t acme = Create(J(R"({"name": "Zyx Acme", "is_company": true, "vat": "BE0477472701",
      "company_registry": "RCS-9931", "email": "desk@zyx-acme.example", "ref": "ZYX-REF-7"})"));
  Value john_vals = J(R"({"name": "Johnny", "email": "johnny@mail.example"})");
  john_vals["parent_id"] = acme;
  const std::int64_t john = Create(john_vals);
  const Value both = Value::array({Value::array({"id", "in", Value::array({acme, john})})});
  auto found = [&](std::string_view name, const Value& domain = Value::array(), std::string_view op = "ilike") {
    std::vector<std::int64_t> ids;
    for (const Value& pair : partners.NameSearch(name, domain, op, 0)) ids.push_back(pair[0].get<std::int64_t>());
    return ids;
  };
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(found("desk@zyx-acme"), Ids{acme}) << "email";
  EXPECT_EQ(found("zyx-ref-7"), Ids{acme}) << "ref";
  EXPECT_EQ(found("BE0477472701"), (Ids{acme, john})) << "vat, which the contact takes from its company";
  EXPECT_EQ(found("RCS-9931"), (Ids{acme, john})) << "company_registry, a commercial field too";
  EXPECT_EQ(found("Acme, John"), Ids{john}) << "complete_name";
  EXPECT_EQ(found("BE0477472701", J(R"([["is_company", "=", true]])")), Ids{acme}) << "with the caller's domain";
  EXPECT_EQ(partners.NameSearch("johnny@mail.example", Value::array(), "ilike", 0),
            Value::array({Value::array({john, "Zyx Acme, Johnny"})}));
  EXPECT_EQ(found("zyx-acme.example", both, "not ilike"), Ids{john}) << "acme's email matches";
  EXPECT_EQ(found("", both), (Ids{acme, john})) << "ilike '' matches everything";
  EXPECT_TRUE(found("", both, "not ilike").empty());
}

TEST_F(PartnerTest, DefaultOrderIsCompleteNameThenNewestFirst) {
  const std::int64_t b = Create(J(R"({"name": "zz order B", "is_company": true})"));
  const std::int64_t a1 = Create(J(R"({"name": "zz order A"})"));
  const std::int64_t a2 = Create(J(R"({"name": "zz order A"})"));
  const auto ids = partners.Search(J(R"([["name", "like", "zz order"]])"));
  EXPECT_EQ(ids, (std::vector<std::int64_t>{a2, a1, b}));
}

TEST_F(PartnerTest, RecursiveHierarchyIsRefused) {
  const std::int64_t a = Create(J(R"({"name": "A", "is_company": true})"));
  Value vals = J(R"({"name": "B"})");
  vals["parent_id"] = a;
  const std::int64_t b = Create(vals);
  Value loop = Value::object();
  loop["parent_id"] = b;
  EXPECT_THROW(partners.Browse({a}).Write(loop), orm::ValidationError);
}

TEST(PartnerFormat, EmailAndAddressAsOdoo) {
  EXPECT_EQ(base::FormatEmailAddress("John \"J\" Doe", "john@example.com"),
            R"("John \"J\" Doe" <john@example.com>)");
  EXPECT_EQ(base::FormatEmailAddress("", "a@b.c"), "a@b.c");
  Value address = {{"street", "Rue 1"}, {"street2", ""}, {"city", "Liège"}, {"zip", "4000"},
                   {"state_code", ""}, {"country_name", "Belgium"}, {"company_name", "Acme"}};
  EXPECT_EQ(base::FormatAddress(address), "Acme\nRue 1\n\nLiège  4000\nBelgium");
}

}  // namespace
}  // namespace citadel::modules
