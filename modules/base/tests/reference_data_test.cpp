// Reference data from iso-codes, without a database: counts, Odoo's external
// ids, USD and EUR active, states only for Odoo's countries, and a clear
// error naming the file and the package when iso-codes is missing.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "modules/base/reference_data.hpp"

namespace citadel::modules::base {
namespace {

TEST(ReferenceData, CountriesStatesAndCurrenciesFromIsoCodes) {
  auto records = IsoCodesData();
  ASSERT_TRUE(records.has_value()) << records.error().message;
  std::map<std::string, const orm::DataRecord*> by_id;
  std::map<std::string, int> per_model;
  for (const auto& record : *records) {
    EXPECT_TRUE(by_id.emplace(record.xml_id, &record).second) << "duplicate " << record.xml_id;
    ++per_model[record.model];
  }
  EXPECT_GE(per_model["res.country"], 240);
  EXPECT_GE(per_model["res.currency"], 150);
  EXPECT_GE(per_model["res.country.state"], 1000);

  ASSERT_TRUE(by_id.count("base.be"));
  EXPECT_EQ(by_id["base.be"]->values["code"], "BE");
  ASSERT_TRUE(by_id.count("base.uk")) << "Odoo's id of the United Kingdom";
  EXPECT_EQ(by_id["base.uk"]->values["code"], "GB");
  EXPECT_FALSE(by_id.count("base.gb"));
  EXPECT_EQ(by_id["base.us"]->values["name"], "United States");

  ASSERT_TRUE(by_id.count("base.EUR"));
  EXPECT_EQ(by_id["base.EUR"]->values["active"], true);
  EXPECT_EQ(by_id["base.EUR"]->values["symbol"], "€");
  EXPECT_EQ(by_id["base.USD"]->values["active"], true);
  EXPECT_EQ(by_id["base.CHF"]->values["active"], false);
  EXPECT_EQ(by_id["base.EUR"]->values["iso_numeric"], 978);

  ASSERT_TRUE(by_id.count("base.state_us_ca"));
  EXPECT_EQ(by_id["base.state_us_ca"]->values["code"], "CA");
  EXPECT_EQ(by_id["base.state_us_ca"]->values["name"], "California");
  EXPECT_EQ(by_id["base.state_us_ca"]->values["country_id"], orm::Value({{"ref", "base.us"}}));
  EXPECT_FALSE(by_id.count("base.state_fr_75")) << "Odoo has no states for France";
  ASSERT_TRUE(by_id.count("base.state_be_van")) << "Belgium: provinces, not regions";
  EXPECT_FALSE(by_id.count("base.state_be_vlg"));
  ASSERT_TRUE(by_id.count("base.state_uk_kec"));

  // Every reference points at a record made earlier in the list.
  std::set<std::string> made;
  for (const auto& record : *records) {
    for (const auto& [key, value] : record.values.items()) {
      if (value.is_object() && value.contains("ref")) {
        EXPECT_TRUE(made.count(value["ref"].get<std::string>())) << record.xml_id << " " << key;
      }
    }
    made.insert(record.xml_id);
  }
}

TEST(ReferenceData, MissingIsoCodesNamesTheFileAndThePackage) {
  auto records = IsoCodesData("/nonexistent/iso-codes");
  ASSERT_FALSE(records.has_value());
  EXPECT_NE(records.error().message.find("/nonexistent/iso-codes/iso_4217.json"), std::string::npos);
  EXPECT_NE(records.error().message.find("iso-codes"), std::string::npos);
}

}  // namespace
}  // namespace citadel::modules::base
