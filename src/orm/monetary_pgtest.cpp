// Monetary values are exact decimals: the column is PostgreSQL numeric, a
// number a client typed (which the wire carries as a binary double, as Odoo's
// does) is stored as the decimal it was typed as, sums are PostgreSQL's, in
// numeric, and a plain decimal text ("12.10", which Odoo's float() takes too)
// is stored exactly as written; any other text is a ValidationError.
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

struct MonetaryPg : ::testing::Test {
  RecordFixture fx = RecordFixture::Make("monetary_exact");
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet partners = RecordSet::Of(env, "res.partner");

  // The stored column's text, as PostgreSQL prints the numeric.
  std::string Stored(std::int64_t id, const char* column = "credit_limit") {
    auto r = fx.connection().Execute(
        db::SqlText("SELECT credit_limit::text AS credit_limit, weight::text AS weight, latitude::text AS latitude "
                    "FROM res_partner WHERE id = $1"),
        id);
    if (!r || r->rows() != 1) return "<no row>";
    return r->Text(0, column, "<null>");
  }
  Value Read(std::int64_t id) { return partners.Browse({id}).Read({"credit_limit"})[0]["credit_limit"]; }
};

TEST_F(MonetaryPg, SumOfPointOneAndPointTwoIsExactlyPointThree) {
  const auto ids = partners.Create(J(R"([{"name": "a", "credit_limit": 0.1}, {"name": "b", "credit_limit": 0.2}])"));
  EXPECT_EQ(Stored(ids[0]), "0.1") << "the decimal typed, not the double's 0.1000000000000000055...";
  EXPECT_EQ(Stored(ids[1]), "0.2");
  const Value domain = Value::array({Value::array({"id", "in", ids})});
  const Value groups = partners.ReadGroup(domain, {"credit_limit:sum"}, {}, 0, std::nullopt, "", true);
  ASSERT_EQ(groups.size(), 1u);
  // 0.1 + 0.2 in binary floating point is 0.30000000000000004.
  EXPECT_EQ(groups[0]["credit_limit"].get<double>(), 0.3);
  EXPECT_EQ(groups[0]["credit_limit"].dump(), "0.3");
  EXPECT_EQ(fx.Scalar("sum", "SELECT sum(credit_limit)::text FROM res_partner WHERE name IN ('a', 'b')"), "0.3");
}

TEST_F(MonetaryPg, TypedAmountsReadBackExactly) {
  const auto ids = partners.Create(J(R"([{"name": "n1", "credit_limit": 1234567.89},
      {"name": "n2", "credit_limit": 0.30}, {"name": "s1", "credit_limit": "1234567.89"},
      {"name": "s2", "credit_limit": "0.30"}, {"name": "s3", "credit_limit": "12.10"},
      {"name": "s4", "credit_limit": "-7.5"}, {"name": "s5", "credit_limit": ""}])"));
  EXPECT_EQ(Stored(ids[0]), "1234567.89");
  EXPECT_EQ(Stored(ids[1]), "0.3");
  EXPECT_EQ(Stored(ids[2]), "1234567.89");
  EXPECT_EQ(Stored(ids[3]), "0.30") << "a text is stored as written, scale included";
  EXPECT_EQ(Stored(ids[4]), "12.10");
  EXPECT_EQ(Stored(ids[5]), "-7.5");
  EXPECT_EQ(Stored(ids[6]), "0") << "Odoo's float(value or 0.0)";
  EXPECT_EQ(Read(ids[0]).dump(), "1234567.89");
  EXPECT_EQ(Read(ids[0]).get<double>(), 1234567.89);
  EXPECT_EQ(Read(ids[1]).get<double>(), 0.30);
  EXPECT_EQ(Read(ids[2]).dump(), "1234567.89");
  EXPECT_EQ(Read(ids[3]).dump(), "0.3");
  EXPECT_EQ(Read(ids[4]).get<double>(), 12.10);

  partners.Browse({ids[0]}).Write(J(R"({"credit_limit": "99999999999999999999.99"})"));
  EXPECT_EQ(Stored(ids[0]), "99999999999999999999.99") << "beyond a double's 17 digits, exact in numeric";

  // Float fields take the same texts: numeric(16, 2) weight, float8 latitude.
  const std::int64_t f = partners.Create(J(R"({"name": "f", "weight": "1.25", "latitude": "50.5"})")).at(0);
  EXPECT_EQ(Stored(f, "weight"), "1.25");
  EXPECT_EQ(Stored(f, "latitude"), "50.5");
}

TEST_F(MonetaryPg, OnlyPlainDecimalTextsAreTaken) {
  const std::int64_t id = partners.Create(J(R"({"name": "x", "credit_limit": 5})")).at(0);
  for (const char* bad : {"12,10", "1e3", "nan", "inf", " 12.10", "12.10 ", "1_000", "12.10.1", "0x10", "-", ".",
                          "+-1", "1 000", "١٢", "12.10; DROP TABLE res_partner"}) {
    try {
      partners.Browse({id}).Write(Value{{"credit_limit", bad}});
      ADD_FAILURE() << "taken: " << bad;
    } catch (const ValidationError& e) {
      EXPECT_NE(std::string(e.what()).find("res.partner.credit_limit: a monetary field takes a number or a "
                                           "plain decimal text"),
                std::string::npos)
          << e.what();
    }
  }
  try {
    partners.Browse({id}).Write(J(R"({"credit_limit": "12.10; DROP TABLE res_partner"})"));
    ADD_FAILURE() << "taken";
  } catch (const ValidationError& e) {
    EXPECT_EQ(std::string(e.what()).find("DROP"), std::string::npos) << "the value stays out of the message";
  }
  EXPECT_THROW(partners.Browse({id}).Write(Value{{"credit_limit", std::string(65, '1')}}), ValidationError)
      << "longer than any amount";
  EXPECT_THROW(partners.Browse({id}).Write(J(R"({"credit_limit": [1]})")), ValidationError);
  EXPECT_EQ(Stored(id), "5");
}

}  // namespace
}  // namespace citadel::orm
