// RecordSet::ReadGroup against PostgreSQL, compared with groups computed by
// hand from a small data set: Odoo 18's keys (<groupby>_count when lazy,
// __count otherwise, __domain, __context, __range), default and explicit
// aggregates, many2one and many2many groups, date periods with Odoo's labels,
// a datetime period in the context's time zone, orderby, limits, record rules
// and the guard.
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

struct Data {
  std::int64_t one = 0, two = 0, t1 = 0, t2 = 0;
  std::vector<std::int64_t> partners;
};

// A: contact, One, color 10, weight 1.5, born 2026-01-10, tags t1 t2
// B: contact, One, color 20, weight 2.5, born 2026-01-20, tag t1
// C: invoice, Two, color 5,  weight 4.0, born 2026-03-02
// D: invoice, -,   color 1,  weight 0,   no birthday
// E: contact, One, archived (never counted)
Data Seed(RecordFixture& fx) {
  Environment env = fx.Env(kAdmin).Sudo();
  Data d;
  d.one = fx.AddCompany("One");
  d.two = fx.AddCompany("Two");
  const auto tags = RecordSet::Of(env, "res.partner.category").Create(J(R"([{"name": "t1"}, {"name": "t2"}])"));
  d.t1 = tags[0];
  d.t2 = tags[1];
  Value list = J(R"([
      {"name": "A", "color": 10, "weight": 1.5, "birthday": "2026-01-10", "last_seen": "2026-01-31 23:30:00"},
      {"name": "B", "color": 20, "weight": 2.5, "birthday": "2026-01-20", "last_seen": "2026-01-31 12:00:00"},
      {"name": "C", "type": "invoice", "color": 5, "weight": 4.0, "birthday": "2026-03-02"},
      {"name": "D", "type": "invoice", "color": 1, "weight": 0.0},
      {"name": "E", "color": 100, "active": false}])");
  list[0]["company_id"] = d.one;
  list[1]["company_id"] = d.one;
  list[2]["company_id"] = d.two;
  list[4]["company_id"] = d.one;
  list[0]["category_id"] = Value::array({d.t1, d.t2});
  list[1]["category_id"] = Value::array({d.t1});
  d.partners = RecordSet::Of(env, "res.partner").Create(list);
  return d;
}

TEST(ReadGroupPg, SelectionGroupsWithDefaultAndExplicitAggregates) {
  RecordFixture fx = RecordFixture::Make("read_group_selection");
  Seed(fx);
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet partners = RecordSet::Of(env, "res.partner");
  const Value groups = partners.ReadGroup(Value::array(), {"color", "weight:max", "name"}, {"type"}, 0,
                                          std::nullopt, "", true);
  EXPECT_EQ(groups, J(R"([
      {"type": "contact", "type_count": 2, "color": 30, "weight": 2.5,
       "__domain": [["type", "=", "contact"]]},
      {"type": "invoice", "type_count": 2, "color": 6, "weight": 4.0,
       "__domain": [["type", "=", "invoice"]]}])"));
  EXPECT_EQ(groups[0].begin().key(), "type") << "keys in Odoo's order";

  // orderby on an aggregate, limit and offset on groups, the client's domain kept.
  const Value ordered = partners.ReadGroup(J(R"([["color", ">", 1]])"), {"color"}, {"type"}, 0, 1,
                                           "color asc", true);
  EXPECT_EQ(ordered, J(R"([{"type": "invoice", "type_count": 1, "color": 5,
      "__domain": ["&", ["color", ">", 1], ["type", "=", "invoice"]]}])"));
  EXPECT_EQ(partners.ReadGroup(Value::array(), {}, {"type"}, 1, std::nullopt, "", true)[0]["type"], "invoice");
  // No groupby: one row over everything.
  EXPECT_EQ(partners.ReadGroup(Value::array(), {"color:sum", "weight:avg", "id:count_distinct"}, {}, 0,
                               std::nullopt, "", true),
            J(R"([{"__count": 4, "color": 36, "weight": 2.0, "id": 4, "__domain": []}])"));
  const Value arrays = partners.ReadGroup(Value::array(), {"names:array_agg(name)", "color:min"}, {"type"},
                                          0, std::nullopt, "", true);
  EXPECT_EQ(arrays[0]["names"], J(R"(["A", "B"])"));
  EXPECT_EQ(arrays[1]["color"], 1);
}

TEST(ReadGroupPg, Many2oneLazyAndEagerLevels) {
  RecordFixture fx = RecordFixture::Make("read_group_many2one");
  const Data d = Seed(fx);
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet partners = RecordSet::Of(env, "res.partner");
  Value expected = J(R"([
      {"company_id": [0, "One"], "company_id_count": 2, "__domain": [["company_id", "=", 0]],
       "__context": {"group_by": ["type"]}},
      {"company_id": [0, "Two"], "company_id_count": 1, "__domain": [["company_id", "=", 0]],
       "__context": {"group_by": ["type"]}},
      {"company_id": false, "company_id_count": 1, "__domain": [["company_id", "=", false]],
       "__context": {"group_by": ["type"]}}])");
  expected[0]["company_id"][0] = d.one;
  expected[0]["__domain"][0][2] = d.one;
  expected[1]["company_id"][0] = d.two;
  expected[1]["__domain"][0][2] = d.two;
  EXPECT_EQ(partners.ReadGroup(Value::array(), {}, {"company_id", "type"}, 0, std::nullopt, "", true), expected);

  const Value eager = partners.ReadGroup(Value::array(), {"color"}, {"company_id", "type"}, 0, std::nullopt,
                                         "", false);
  ASSERT_EQ(eager.size(), 3u);
  Value first = J(R"({"company_id": [0, "One"], "type": "contact", "__count": 2, "color": 30,
      "__domain": ["&", ["company_id", "=", 0], ["type", "=", "contact"]]})");
  first["company_id"][0] = d.one;
  first["__domain"][1][2] = d.one;
  EXPECT_EQ(eager[0], first);
  EXPECT_EQ(partners.ReadGroup(Value::array(), {}, {"company_id"}, 0, std::nullopt, "company_id desc", true)[0]["company_id"],
            false) << "NULLs first when descending, as PostgreSQL";
}

TEST(ReadGroupPg, Many2manyGroupsAndTheirEmptyGroup) {
  RecordFixture fx = RecordFixture::Make("read_group_many2many");
  const Data d = Seed(fx);
  Environment env = fx.Env(kAdmin).Sudo();
  const Value groups = RecordSet::Of(env, "res.partner").ReadGroup(Value::array(), {"color"}, {"category_id"},
                                                                   0, std::nullopt, "", true);
  Value expected = J(R"([
      {"category_id": [0, "t1"], "category_id_count": 2, "color": 30, "__domain": [["category_id", "=", 0]]},
      {"category_id": [0, "t2"], "category_id_count": 1, "color": 10, "__domain": [["category_id", "=", 0]]},
      {"category_id": false, "category_id_count": 2, "color": 6, "__domain": [["category_id", "not any", []]]}])");
  expected[0]["category_id"][0] = d.t1;
  expected[0]["__domain"][0][2] = d.t1;
  expected[1]["category_id"][0] = d.t2;
  expected[1]["__domain"][0][2] = d.t2;
  EXPECT_EQ(groups, expected);
}

TEST(ReadGroupPg, DatePeriodsLabelsRangesAndTimeZone) {
  RecordFixture fx = RecordFixture::Make("read_group_dates");
  Seed(fx);
  Environment env = fx.Env(kAdmin).Sudo();
  RecordSet partners = RecordSet::Of(env, "res.partner");
  EXPECT_EQ(partners.ReadGroup(Value::array(), {}, {"birthday"}, 0, std::nullopt, "", true), J(R"([
      {"birthday": "January 2026", "birthday_count": 2,
       "__domain": ["&", ["birthday", ">=", "2026-01-01"], ["birthday", "<", "2026-02-01"]],
       "__range": {"birthday": {"from": "2026-01-01", "to": "2026-02-01"}}},
      {"birthday": "March 2026", "birthday_count": 1,
       "__domain": ["&", ["birthday", ">=", "2026-03-01"], ["birthday", "<", "2026-04-01"]],
       "__range": {"birthday": {"from": "2026-03-01", "to": "2026-04-01"}}},
      {"birthday": false, "birthday_count": 1, "__domain": [["birthday", "=", false]],
       "__range": {"birthday": false}}])"));
  const Value weeks = partners.ReadGroup(Value::array(), {}, {"birthday:week"}, 0, std::nullopt, "", true);
  EXPECT_EQ(weeks[0]["birthday:week"], "W2 2026") << "2026-01-10 is in the week of Sunday 2026-01-04";
  EXPECT_EQ(weeks[0]["__range"]["birthday:week"], J(R"({"from": "2026-01-04", "to": "2026-01-11"})"));
  EXPECT_EQ(partners.ReadGroup(Value::array(), {}, {"birthday:quarter"}, 0, std::nullopt, "", true)[0]["birthday:quarter"],
            "Q1 2026");
  EXPECT_EQ(partners.ReadGroup(Value::array(), {}, {"birthday:day_of_month"}, 0, std::nullopt, "", true)[0],
            J(R"({"birthday:day_of_month": 2, "birthday_count": 1,
                  "__domain": [["birthday.day_of_month", "=", 2]]})"));

  // UTC: both last_seen values on January 31st.
  const Value utc = partners.ReadGroup(J(R"([["last_seen", "!=", false]])"), {}, {"last_seen:day"}, 0,
                                       std::nullopt, "", true);
  ASSERT_EQ(utc.size(), 1u);
  EXPECT_EQ(utc[0]["last_seen:day"], "31 Jan 2026");
  // Brussels (UTC+1 in winter): A's 23:30 UTC is February 1st; ranges in UTC.
  Environment brussels = env.WithContext(J(R"({"tz": "Europe/Brussels"})"));
  const Value local = RecordSet::Of(brussels, "res.partner")
                          .ReadGroup(J(R"([["last_seen", "!=", false]])"), {}, {"last_seen:day"}, 0,
                                     std::nullopt, "", true);
  ASSERT_EQ(local.size(), 2u);
  EXPECT_EQ(local[1]["last_seen:day"], "01 Feb 2026");
  EXPECT_EQ(local[1]["__range"]["last_seen:day"],
            J(R"({"from": "2026-01-31 23:00:00", "to": "2026-02-01 23:00:00"})"));
  Environment nowhere = env.WithContext(J(R"({"tz": "Mars/Olympus'; --"})"));
  EXPECT_EQ(RecordSet::Of(nowhere, "res.partner")
                .ReadGroup(J(R"([["last_seen", "!=", false]])"), {}, {"last_seen:day"}, 0, std::nullopt, "", true)
                .size(),
            1u) << "an unknown time zone is ignored, as Odoo";
}

TEST(ReadGroupPg, RulesFieldGroupsAccessAndBounds) {
  RecordFixture fx = RecordFixture::Make("read_group_access");
  const Data d = Seed(fx);
  const std::int64_t group = fx.AddGroup("G");
  fx.AddAccess("res.partner", group, "r");
  const std::int64_t user = fx.AddUser("user", {group});
  fx.AddRule("res.partner", "[[\"company_id\", \"=\", " + std::to_string(d.one) + "]]", {}, "r");
  Environment as_user = fx.Env(user);
  RecordSet partners = RecordSet::Of(as_user, "res.partner");
  EXPECT_EQ(partners.ReadGroup(Value::array(), {"color"}, {"type"}, 0, std::nullopt, "", true),
            J(R"([{"type": "contact", "type_count": 2, "color": 30, "__domain": [["type", "=", "contact"]]}])"))
      << "only the rows the rules let the user read";
  EXPECT_THROW(partners.ReadGroup(Value::array(), {}, {"internal_note"}, 0, std::nullopt, "", true), AccessError)
      << "a field of a group the user is not in";
  EXPECT_THROW(partners.ReadGroup(Value::array(), {"x:max(internal_note)"}, {"type"}, 0, std::nullopt, "", true),
               AccessError);
  EXPECT_THROW(partners.ReadGroup(Value::array(), {}, {"nope"}, 0, std::nullopt, "", true), ValidationError);
  EXPECT_THROW(partners.ReadGroup(Value::array(), {}, {"type", "name", "ref", "color", "weight", "birthday"}, 0,
                                  std::nullopt, "", false),
               ValidationError) << "at most 5 groupby levels";
  EXPECT_THROW(partners.ReadGroup(Value::array(), {}, {"type"}, 0, std::nullopt, "name; DROP TABLE x", true),
               ValidationError);
  Environment as_nobody = fx.Env(fx.AddUser("nobody", {}));
  EXPECT_THROW(RecordSet::Of(as_nobody, "res.partner").ReadGroup(Value::array(), {}, {"type"}, 0, std::nullopt, "", true),
               AccessError);
}

}  // namespace
}  // namespace citadel::orm
