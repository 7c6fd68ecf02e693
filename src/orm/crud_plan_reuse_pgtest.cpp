// A call by one id keeps PostgreSQL's generic plan: the read, the write and
// the access check's statements are prepared once per connection and, after
// PostgreSQL's five custom plans, not planned again. With `id = ANY($n)` for
// one id every execution was planned anew (the generic plan, costed for an
// array of several ids, never won), which was a third of PostgreSQL's CPU
// per read by id (session 15; crud_sql.hpp, EqualsAnyOf).
#include <gtest/gtest.h>

#include "orm/record_set.hpp"
#include "orm/record_set_test_models.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;
using testing::J;
using testing::kAdmin;

// Executions that used a generic plan, over the connection's prepared
// statements on res_partner that start with `verb`.
std::int64_t GenericPlansOnPartners(RecordFixture& fx, const char* verb) {
  auto r = fx.connection().Execute(
      "SELECT COALESCE(sum(generic_plans), 0)::text AS n FROM pg_prepared_statements "
      "WHERE statement LIKE $1 AND statement LIKE '%\"res_partner\"%'",
      std::string(verb) + "%");
  if (!r) throw std::runtime_error(r.error().message);
  return std::stoll(r->Text(0, "n"));
}

TEST(CrudPlanReusePg, ReadAndWriteByOneIdKeepTheGenericPlan) {
  RecordFixture fx = RecordFixture::Make("crud_plan_reuse");
  fx.AddAccess("res.partner", 0, "rwcu");  // through the guard, not as superuser
  Environment env = fx.Env(kAdmin);
  RecordSet partners = RecordSet::Of(env, "res.partner");
  const std::int64_t id = partners.Create(J(R"({"name": "Plan"})")).at(0);
  constexpr int kCalls = 12;
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_EQ(partners.Browse({id}).Read({"name", "comment"})[0]["name"], "Plan");
    partners.Browse({id}).Write(J(R"({"comment": "planned once"})"));
  }
  // Five custom plans, then the generic one for every later execution.
  EXPECT_GE(GenericPlansOnPartners(fx, "SELECT"), kCalls - 5);
  EXPECT_GE(GenericPlansOnPartners(fx, "UPDATE"), kCalls - 5);
}

TEST(CrudPlanReusePg, SeveralIdsStillReadEveryRecord) {
  RecordFixture fx = RecordFixture::Make("crud_plan_reuse_many");
  fx.AddAccess("res.partner", 0, "rwcu");
  Environment env = fx.Env(kAdmin);
  RecordSet partners = RecordSet::Of(env, "res.partner");
  const auto ids = partners.Create(J(R"([{"name": "a"}, {"name": "b"}, {"name": "c"}])"));
  const Value rows = partners.Browse(ids).Read({"name"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(partners.Browse({ids.at(1)}).Read({"name"})[0]["name"], "b");
  EXPECT_EQ(partners.Browse({ids.at(0), ids.at(2)}).Read({"name"}).size(), 2u);
}

}  // namespace
}  // namespace citadel::orm
