// read_group's pure parts: specs as Odoo 18 parses them, period labels and
// ranges as Odoo formats them for en_US, expression.AND.
#include "orm/crud_read_group.hpp"

#include <gtest/gtest.h>

#include "orm/errors.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm::read_group {
namespace {

using testing::F;

// A partner with the field kinds read_group treats apart.
const Model& Partner() {
  static const std::shared_ptr<const Registry> registry = [] {
    RegistryBuilder builder;
    ModelDef tag;
    tag.name = "res.partner.category";
    tag.fields = {F("name", FieldType::kChar)};
    ModelDef partner;
    partner.name = "res.partner";
    FieldDef type = F("type", FieldType::kSelection);
    type.selection = {{"contact", "Contact"}};
    FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner");
    children.inverse_name = "parent_id";
    partner.fields = {F("name", FieldType::kChar), F("color", FieldType::kInteger),
                      F("weight", FieldType::kFloat), F("birthday", FieldType::kDate),
                      F("last_seen", FieldType::kDatetime), type,
                      F("parent_id", FieldType::kMany2one, "res.partner"), children,
                      F("category_id", FieldType::kMany2many, "res.partner.category")};
    ModelDef users;
    users.name = "res.users";
    users.fields = {F("login", FieldType::kChar)};
    builder.AddModel("base", users);
    builder.AddModel("base", tag);
    builder.AddModel("base", partner);
    auto built = builder.Build();
    if (!built) throw std::runtime_error(built.error().message);
    return *built;
  }();
  return *registry->FindModel("res.partner");
}

TEST(ReadGroupSpec, GroupbyDefaultsDatesToMonthAndRefusesOthers) {
  GroupSpec birthday = ParseGroupby(Partner(), "birthday");
  EXPECT_EQ(birthday.key, "birthday");
  EXPECT_EQ(birthday.annotated, "birthday:month");
  EXPECT_EQ(ParseGroupby(Partner(), "last_seen:week").granularity, Granularity::kWeek);
  EXPECT_EQ(ParseGroupby(Partner(), "birthday:day_of_week").granularity, Granularity::kDayOfWeek);
  EXPECT_EQ(ParseGroupby(Partner(), "category_id").field->name(), "category_id");
  EXPECT_THROW(ParseGroupby(Partner(), "name:month"), ValidationError);
  EXPECT_THROW(ParseGroupby(Partner(), "birthday:fortnight"), ValidationError);
  EXPECT_THROW(ParseGroupby(Partner(), "child_ids"), ValidationError);
  EXPECT_THROW(ParseGroupby(Partner(), "display_name"), ValidationError);
  EXPECT_THROW(ParseGroupby(Partner(), "nope"), ValidationError);
  EXPECT_THROW(ParseGroupby(Partner(), "name; DROP TABLE x"), ValidationError);
}

TEST(ReadGroupSpec, AggregatesAsOdooAnnotatesThem) {
  std::vector<GroupSpec> groups = {ParseGroupby(Partner(), "type")};
  auto aggregates = ParseAggregates(
      Partner(), {"name", "color", "weight:max", "heaviest:max(weight)", "type", "__count"}, groups, true);
  ASSERT_EQ(aggregates.size(), 4u);
  EXPECT_EQ(aggregates[0].key, "type_count");
  EXPECT_EQ(aggregates[0].field, nullptr);
  EXPECT_EQ(aggregates[1].key, "color");  // integer: sum by default; name has no aggregator
  EXPECT_EQ(aggregates[1].function, "sum");
  EXPECT_EQ(aggregates[2].key, "weight");
  EXPECT_EQ(aggregates[2].function, "max");
  EXPECT_EQ(aggregates[3].key, "heaviest");
  EXPECT_EQ(aggregates[3].field->name(), "weight");
  EXPECT_EQ(ParseAggregates(Partner(), {}, groups, false)[0].key, "__count");
  EXPECT_THROW(ParseAggregates(Partner(), {"color:median"}, groups, true), ValidationError);
  EXPECT_THROW(ParseAggregates(Partner(), {"nope"}, groups, true), ValidationError);
  EXPECT_THROW(ParseAggregates(Partner(), {"child_ids:count"}, groups, true), ValidationError);
}

TEST(ReadGroupSpec, OrderbyKeysBecomeAnnotatedSpecs) {
  std::vector<GroupSpec> groups = {ParseGroupby(Partner(), "birthday:week")};
  auto aggregates = ParseAggregates(Partner(), {"color"}, groups, true);
  auto terms = ParseOrderby("birthday desc, color, birthday_count DESC NULLS FIRST", groups, aggregates);
  ASSERT_EQ(terms.size(), 3u);
  EXPECT_EQ(terms[0].term, "birthday:week");
  EXPECT_TRUE(terms[0].descending);
  EXPECT_EQ(terms[1].term, "color:sum");
  EXPECT_EQ(terms[2].term, "__count");
  EXPECT_EQ(terms[2].nulls, "first");
  EXPECT_THROW(ParseOrderby("color sideways", groups, aggregates), ValidationError);
  EXPECT_TRUE(ParseOrderby("", groups, aggregates).empty());
}

TEST(ReadGroupSpec, PeriodLabelsAndRangesAsOdooEnUs) {
  EXPECT_EQ(PeriodLabel(Granularity::kMonth, "2026-01-01"), "January 2026");
  EXPECT_EQ(PeriodLabel(Granularity::kDay, "2026-03-05"), "05 Mar 2026");
  EXPECT_EQ(PeriodLabel(Granularity::kQuarter, "2026-07-01"), "Q3 2026");
  EXPECT_EQ(PeriodLabel(Granularity::kYear, "2026-01-01 00:00:00"), "2026");
  EXPECT_EQ(PeriodLabel(Granularity::kHour, "2026-03-05 15:00:00"), "03:00 05 Mar");
  EXPECT_EQ(PeriodLabel(Granularity::kHour, "2026-03-05 00:00:00"), "12:00 05 Mar");
  // Weeks start on Sunday; the week holding January 1st is W1 of that year.
  EXPECT_EQ(PeriodLabel(Granularity::kWeek, "2015-12-27"), "W1 2016");
  EXPECT_EQ(PeriodLabel(Granularity::kWeek, "2026-01-04"), "W2 2026");
  EXPECT_EQ(PeriodLabel(Granularity::kWeek, "2025-12-21"), "W52 2025");
  EXPECT_EQ(PeriodEnd(Granularity::kMonth, "2026-12-01"), "2027-01-01");
  EXPECT_EQ(PeriodEnd(Granularity::kQuarter, "2026-11-01 00:00:00"), "2027-02-01 00:00:00");
  EXPECT_EQ(PeriodEnd(Granularity::kHour, "2026-12-31 23:00:00"), "2027-01-01 00:00:00");
  EXPECT_EQ(PeriodEnd(Granularity::kWeek, "2026-02-22"), "2026-03-01");
  EXPECT_EQ(PeriodEnd(Granularity::kYear, "2024-01-01"), "2025-01-01");
}

TEST(ReadGroupSpec, AndDomainsAsExpressionAnd) {
  const Value term = Value::parse(R"([["type", "=", "contact"]])");
  EXPECT_EQ(AndDomains(Value::array(), term), term);
  EXPECT_EQ(AndDomains(Value::parse(R"([["a", "=", 1], ["b", "=", 2]])"), term),
            Value::parse(R"(["&", "&", ["a", "=", 1], ["b", "=", 2], ["type", "=", "contact"]])"));
  EXPECT_EQ(AndDomains(Value::parse(R"([[0, "=", 1]])"), term), Value::parse(R"([[0, "=", 1]])"));
  EXPECT_EQ(AndDomains(Value::array(), Value::array()), Value::parse(R"([[1, "=", 1]])"));
}

}  // namespace
}  // namespace citadel::orm::read_group
