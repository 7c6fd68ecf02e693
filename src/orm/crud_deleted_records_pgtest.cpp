// Records that no longer exist, as Odoo 18 treats them (models.py
// BaseModel.read/fetch/_read_format and unlink; base's test_orm.py
// test_access_deleted_records and test_access_filtered_records): read leaves
// them out, a record hidden by a rule is still an AccessError, unlink ignores
// them unless a rule must read them, write and copy are a MissingError; and unlink
// deletes the records' external ids (ir.model.data) in its transaction.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/record_set_test_models.hpp"
#include "orm/testing/shorthands.hpp"
#include "orm/transaction_runner.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;

using testing::kAdmin;

std::vector<std::int64_t> ReadIds(const Value& rows) {
  std::vector<std::int64_t> ids;
  for (const Value& row : rows) ids.push_back(row.at("id").get<std::int64_t>());
  return ids;
}

std::int64_t NewPartner(const Environment& env, const std::string& name, std::int64_t company = 0) {
  Value vals{{"name", name}};
  if (company != 0) vals["company_id"] = company;
  return RecordSet::Of(env, "res.partner").Create(vals).at(0);
}

void AddExternalId(RecordFixture& fx, const std::string& name, const std::string& model,
                   std::int64_t res_id) {
  auto r = fx.connection().Execute(
      "INSERT INTO ir_model_data (module, name, model, res_id) VALUES ('test', $1, $2, $3)", name,
      model, res_id);
  ASSERT_TRUE(r) << r.error().message;
}

std::string ExternalIds(RecordFixture& fx) {
  return fx.Scalar("external ids",
                   "SELECT coalesce(string_agg(name, ',' ORDER BY name), '') FROM ir_model_data "
                   "WHERE module = 'test'");
}

TEST(DeletedRecordsPg, ReadLeavesOutDeletedRecords) {
  RecordFixture fx = RecordFixture::Make("deleted_read");
  const std::int64_t users = fx.AddGroup("Users");
  fx.AddAccess("res.partner", users, "r");
  const std::int64_t user = fx.AddUser("u", {users});
  const Environment su = fx.Env(kAdmin).Sudo();
  const std::int64_t gone = NewPartner(su, "W");
  const std::int64_t kept = NewPartner(su, "Y");
  RecordSet::Of(su, "res.partner").Browse({gone}).Unlink();

  // An unprivileged user, as Odoo's test (rules once had side effects here).
  const Environment env = fx.Env(user);
  const RecordSet partners = RecordSet::Of(env, "res.partner");
  EXPECT_EQ(partners.Browse({gone, kept}).Read({"name"}),
            Value::array({Value{{"id", kept}, {"name", "Y"}}}));
  EXPECT_EQ(partners.Browse({gone}).Read({"name"}), Value::array());
  EXPECT_EQ(ReadIds(partners.Browse({kept, gone, kept}).Read({"display_name", "parent_id"})),
            (std::vector<std::int64_t>{kept, kept}))
      << "the ids' order and repeats, the deleted one left out";
  EXPECT_EQ(ReadIds(partners.Browse({gone, kept}).Read({})), std::vector<std::int64_t>{kept})
      << "every field";
  EXPECT_EQ(ReadIds(RecordSet::Of(su, "res.partner").Browse({gone, kept}).Read({"name"})),
            std::vector<std::int64_t>{kept});
  // Odoo drops a record when reading one of its fields raises MissingError;
  // 'id' and x2many fields never do, so these keep the deleted id.
  EXPECT_EQ(partners.Browse({gone, kept}).Read({"id"}),
            Value::array({Value{{"id", gone}}, Value{{"id", kept}}}));
  EXPECT_EQ(partners.Browse({gone}).Read({"child_ids"}),
            Value::array({Value{{"id", gone}, {"child_ids", Value::array()}}}));
  EXPECT_EQ(ReadIds(partners.Browse({gone, kept}).Read({"child_ids", "name"})),
            std::vector<std::int64_t>{kept});
}

TEST(DeletedRecordsPg, ReadOfARecordHiddenByARuleIsStillAnAccessError) {
  RecordFixture fx = RecordFixture::Make("deleted_read_rule");
  const std::int64_t one = fx.AddCompany("One");
  const std::int64_t two = fx.AddCompany("Two");
  const std::int64_t users = fx.AddGroup("Users");
  fx.AddAccess("res.partner", users, "rwcu");
  const std::int64_t user = fx.AddUser("u", {users});
  fx.AddRule("res.partner", R"([["company_id", "=", )" + std::to_string(one) + "]]", {users},
             "rwcu");
  const Environment su = fx.Env(kAdmin).Sudo();
  const std::int64_t mine = NewPartner(su, "mine", one);
  const std::int64_t theirs = NewPartner(su, "theirs", two);
  const std::int64_t gone = NewPartner(su, "gone", one);
  RecordSet::Of(su, "res.partner").Browse({gone}).Unlink();

  const Environment env = fx.Env(user);
  const RecordSet partners = RecordSet::Of(env, "res.partner");
  EXPECT_EQ(ReadIds(partners.Browse({gone, mine}).Read({"name"})), std::vector<std::int64_t>{mine});
  EXPECT_THROW(partners.Browse({theirs}).Read({"name"}), AccessError);
  EXPECT_THROW(partners.Browse({gone, theirs}).Read({"name"}), AccessError)
      << "Odoo: deleted and filtered mixed";
  EXPECT_THROW(partners.Browse({gone, theirs}).Read({"id"}), AccessError);
  EXPECT_THROW(partners.Browse({gone, theirs}).Unlink(), MissingError)
      << "a rule applies: Odoo's filtered_domain reads the deleted record";
  EXPECT_THROW(partners.Browse({theirs}).Unlink(), AccessError);
}

TEST(DeletedRecordsPg, UnlinkDeletesTheRecordsExternalIds) {
  RecordFixture fx = RecordFixture::Make("deleted_external_ids");
  const std::int64_t users = fx.AddGroup("Users");
  fx.AddAccess("res.partner", users, "rwcu");  // and no right on ir.model.data
  const std::int64_t user = fx.AddUser("u", {users});
  const Environment su = fx.Env(kAdmin).Sudo();
  const std::int64_t gone = NewPartner(su, "gone");
  const std::int64_t kept = NewPartner(su, "kept");
  AddExternalId(fx, "partner_gone", "res.partner", gone);
  AddExternalId(fx, "partner_gone_too", "res.partner", gone);
  AddExternalId(fx, "partner_kept", "res.partner", kept);
  AddExternalId(fx, "tag_same_id", "res.partner.category", gone);  // another model's record

  const Environment env = fx.Env(user);
  RecordSet::Of(env, "res.partner").Browse({gone}).Unlink();
  EXPECT_EQ(ExternalIds(fx), "partner_kept,tag_same_id");
  // The name is free again for another record.
  AddExternalId(fx, "partner_gone", "res.partner", kept);
  EXPECT_EQ(ExternalIds(fx), "partner_gone,partner_kept,tag_same_id");
}

TEST(DeletedRecordsPg, UnlinkOfExternalIdsRollsBackWithTheRecords) {
  RecordFixture fx = RecordFixture::Make("deleted_external_ids_rollback");
  const std::int64_t id = NewPartner(fx.Env(kAdmin).Sudo(), "p");
  AddExternalId(fx, "partner_p", "res.partner", id);
  TransactionRunner runner(fx.connection(), fx.registry());
  EXPECT_THROW(runner.Run([&] {
    Environment env = fx.Env(kAdmin).Sudo();
    RecordSet::Of(env, "res.partner").Browse({id}).Unlink();
    EXPECT_EQ(ExternalIds(fx), "") << "gone inside the transaction";
    throw UserError("the call fails after the unlink");
  }),
               UserError);
  EXPECT_EQ(ExternalIds(fx), "partner_p");
  EXPECT_EQ(fx.Scalar("partner", "SELECT count(*) FROM res_partner"), "1");
}

TEST(DeletedRecordsPg, UnlinkIgnoresDeletedRecordsUnlessARuleMustReadThem) {
  RecordFixture fx = RecordFixture::Make("deleted_unlink");
  const std::int64_t users = fx.AddGroup("Users");
  fx.AddAccess("res.partner", users, "rwcu");
  const std::int64_t user = fx.AddUser("u", {users});
  const Environment su = fx.Env(kAdmin).Sudo();
  const RecordSet all = RecordSet::Of(su, "res.partner");
  const std::int64_t gone = NewPartner(su, "gone");
  const std::int64_t other = NewPartner(su, "other");
  all.Browse({gone}).Unlink();

  EXPECT_NO_THROW(all.Browse({gone}).Unlink()) << "Odoo: re-deleting is a no-op";
  AddExternalId(fx, "dangling", "res.partner", gone);
  all.Browse({gone, other}).Unlink();
  EXPECT_EQ(all.SearchCount(Value::array()), 0);
  EXPECT_EQ(ExternalIds(fx), "") << "an external id of an id deleted before goes too, as Odoo's";

  const Environment env = fx.Env(user);
  const RecordSet partners = RecordSet::Of(env, "res.partner");
  EXPECT_NO_THROW(partners.Browse({gone}).Unlink()) << "no rule: nothing reads the record";
  fx.AddRule("res.partner", R"([["company_id", "=", false]])", {}, "u");
  const std::int64_t last = NewPartner(su, "last");
  EXPECT_THROW(partners.Browse({gone, last}).Unlink(), MissingError);
  EXPECT_EQ(all.SearchCount(Value::array()), 1) << "nothing deleted";
  EXPECT_NO_THROW(partners.Browse({last}).Unlink());

  EXPECT_THROW(all.Browse({gone}).Write(Value{{"name", "again"}}), MissingError)
      << "write keeps Odoo's MissingError";
  EXPECT_THROW(all.Browse({gone}).Copy(Value::object()), MissingError)
      << "Odoo's copy_data reads the record";
}

}  // namespace
}  // namespace citadel::orm
