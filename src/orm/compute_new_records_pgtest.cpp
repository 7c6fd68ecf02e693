// Stored computes of new records computed before their INSERT
// (compute_new_records.hpp), against a real PostgreSQL with the x.task
// models of compute_test_models.cpp: the statements a create sends, the
// values it stores, and, after each create, the recompute engine finding
// nothing left to change (the values are those the INSERT-then-recompute
// order stored).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "orm/compute_engine.hpp"
#include "orm/compute_test_models.hpp"
#include "orm/crud_support.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/testing/shorthands.hpp"

namespace citadel::orm {
namespace {

using compute_testing::ComputeFixture;
using testing::J;
using testing::kAdmin;

struct Sent {
  std::uint64_t count = 0;
  std::vector<std::string> texts;
  std::string Listed() const {
    std::string out;
    for (const auto& text : texts) out += "\n  " + text;
    return out;
  }
};

// The ids `create` returns and the statements it sent.
std::vector<std::int64_t> CreateCounting(ComputeFixture& fx, const RecordSet& model, const Value& vals, Sent& sent) {
  sent = {};
  fx.connection().SetStatementObserver(
      [&sent](const std::string& text, std::span<const db::Param>) { sent.texts.push_back(text); });
  const std::uint64_t before = fx.connection().statements_sent();
  const std::vector<std::int64_t> ids = model.Create(vals);
  sent.count = fx.connection().statements_sent() - before;
  fx.connection().SetStatementObserver(nullptr);
  return ids;
}

// Recompute, as after an INSERT without computed values, every stored
// compute of `ids` (but `except`): it must find nothing to write.
void ExpectSettled(ComputeFixture& fx, const Environment& env, const std::string& model_name,
                   const std::vector<std::int64_t>& ids, const std::set<std::string>& except = {}) {
  const Model& model = env.GetModel(model_name);
  compute::Pending pending;
  for (const auto& field : model.fields()) {
    if (field->computed() && crud::HasColumn(*field) && !except.contains(field->name())) {
      pending[field.get()].insert(ids.begin(), ids.end());
    }
  }
  std::vector<std::string> updates;
  fx.connection().SetStatementObserver([&updates](const std::string& text, std::span<const db::Param>) {
    if (text.starts_with("UPDATE")) updates.push_back(text);
  });
  compute::Recompute(env, std::move(pending));
  fx.connection().SetStatementObserver(nullptr);
  EXPECT_TRUE(updates.empty()) << "the recompute changed " << updates.size() << " value(s), first: " << updates.front();
}

Value Row(const RecordSet& model, std::int64_t id, const std::vector<std::string>& fields) {
  return model.Browse({id}).Read(fields)[0];
}

TEST(PrecomputePg, APlainCreateIsOneInsert) {
  ComputeFixture fx = ComputeFixture::Make("precompute_plain");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  tasks.Create(J(R"({"name": "Warm"})"));  // prepared statements
  Sent sent;
  const std::int64_t plan = CreateCounting(fx, tasks, J(R"({"name": "Plan"})"), sent).at(0);
  EXPECT_EQ(sent.count, 1u) << "the INSERT, which takes the id root_id is set to itself" << sent.Listed();
  const Value row = Row(tasks, plan, {"label", "root_id", "root_label", "owner_code", "line_total", "note"});
  EXPECT_EQ(row["label"], "Plan");
  EXPECT_EQ(row["root_id"], Value::array({plan, "Plan"})) << "itself (SetSelf)";
  EXPECT_EQ(row["root_label"], "Plan") << "through root_id to the new record in memory";
  EXPECT_EQ(row["owner_code"], false);
  EXPECT_EQ(row["line_total"], 0);
  EXPECT_EQ(row["note"], "about Plan");
  EXPECT_EQ(fx.Text("SELECT coalesce(line_total::text, 'null') FROM x_task WHERE id = $1", plan), "null")
      << "0 over a NULL column changes nothing, as the recompute left it";
  ExpectSettled(fx, env, "x.task", {plan});
}

TEST(PrecomputePg, SeveralRecordsReadTheirManyToOnesTargetsOnce) {
  ComputeFixture fx = ComputeFixture::Make("precompute_batch");
  const Environment env = fx.Env(kAdmin).Sudo();
  const auto owners = RecordSet::Of(env, "x.owner").Create(J(R"([{"name": "Ann", "code": "A1"}, {"name": "Bob"}])"));
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  tasks.Create(J(R"({"name": "Warm"})"));
  Value vals = Value::array();
  vals.push_back(Value{{"name", "t1"}, {"owner_id", owners[0]}});
  vals.push_back(Value{{"name", "t2"}, {"owner_id", owners[1]}});
  vals.push_back(Value{{"name", "t3"}, {"owner_id", owners[0]}});
  vals.push_back(Value{{"name", "t4"}});
  Sent sent;
  const std::vector<std::int64_t> ids = CreateCounting(fx, tasks, vals, sent);
  EXPECT_EQ(sent.count, 5u) << "the owners (once for all), one INSERT each" << sent.Listed();
  ASSERT_EQ(ids.size(), 4u);
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]) << "ids ascend in the records' order";
  const Value rows = tasks.Browse(ids).Read({"label", "owner_code", "root_id", "root_label"});
  EXPECT_EQ(rows[0]["label"], "Ann: t1");
  EXPECT_EQ(rows[0]["owner_code"], "A1");
  EXPECT_EQ(rows[1]["label"], "Bob: t2");
  EXPECT_EQ(rows[1]["owner_code"], false);
  EXPECT_EQ(rows[2]["label"], "Ann: t3");
  EXPECT_EQ(rows[3]["label"], "t4");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(rows[i]["root_id"][0], ids[i]) << "each its own root";
    EXPECT_EQ(rows[i]["root_label"], rows[i]["label"]);
  }
  ExpectSettled(fx, env, "x.task", ids);
}

TEST(PrecomputePg, AParentGivenAtCreateIsReadBeforeTheInsert) {
  ComputeFixture fx = ComputeFixture::Make("precompute_parent");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  const std::int64_t owner = RecordSet::Of(env, "x.owner").Create(J(R"({"name": "Ann"})")).at(0);
  const std::int64_t top = tasks.Create(Value{{"name", "Top"}, {"owner_id", owner}}).at(0);
  const std::int64_t middle = tasks.Create(Value{{"name", "Middle"}, {"parent_id", top}}).at(0);
  Sent sent;
  const std::int64_t leaf = CreateCounting(fx, tasks, Value{{"name", "Leaf"}, {"parent_id", middle}}, sent).at(0);
  EXPECT_EQ(sent.count, 3u) << "the parent, then its root (label, and its own root: itself), the INSERT (no id "
                               "needed: the root is the parent's)"
                            << sent.Listed();
  const Value row = Row(tasks, leaf, {"root_id", "root_label", "label"});
  EXPECT_EQ(row["root_id"], Value::array({top, "Top"}));
  EXPECT_EQ(row["root_label"], "Ann: Top");
  EXPECT_EQ(row["label"], "Leaf");
  ExpectSettled(fx, env, "x.task", {middle, leaf});
}

// A method that asks for the id (number) gets it from the sequence before
// the INSERT, one statement for the batch; SetSelf then gives the id too.
TEST(PrecomputePg, AMethodThatAsksForTheIdGetsItFirst) {
  ComputeFixture fx = ComputeFixture::Make("precompute_ids");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet tickets = RecordSet::Of(env, "x.ticket");
  tickets.Create(J(R"({"name": "Warm"})"));
  Sent sent;
  const std::vector<std::int64_t> ids = CreateCounting(fx, tickets, J(R"([{"name": "a"}, {"name": "b"}])"), sent);
  EXPECT_EQ(sent.count, 3u) << "the ids, two INSERTs" << sent.Listed();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_LT(ids[0], ids[1]);
  for (std::int64_t id : ids) {
    const Value row = Row(tickets, id, {"number", "me_id", "me_ref"});
    EXPECT_EQ(row["number"], "T-" + std::to_string(id));
    EXPECT_EQ(row["me_id"][0], id);
    EXPECT_EQ(row["me_ref"], "#" + std::to_string(id));
  }
  ExpectSettled(fx, env, "x.ticket", ids);
}

// A method that reads the many2one SetSelf gave would see the id: it is
// taken from the sequence then, and the values computed again with it.
TEST(PrecomputePg, ReadingWhatSetSelfGaveTakesTheIdFirst) {
  ComputeFixture fx = ComputeFixture::Make("precompute_itself");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet mirrors = RecordSet::Of(env, "x.mirror");
  mirrors.Create(J(R"({"name": "Warm"})"));
  Sent sent;
  const std::int64_t id = CreateCounting(fx, mirrors, J(R"({"name": "m"})"), sent).at(0);
  EXPECT_EQ(sent.count, 2u) << "the id, the INSERT" << sent.Listed();
  const Value row = Row(mirrors, id, {"me_id", "me_ref"});
  EXPECT_EQ(row["me_id"][0], id);
  EXPECT_EQ(row["me_ref"], "#" + std::to_string(id));
  ExpectSettled(fx, env, "x.mirror", {id});
}

TEST(PrecomputePg, LinesGivenAtCreateAreSummedAfterTheInsert) {
  ComputeFixture fx = ComputeFixture::Make("precompute_lines");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  const std::vector<std::int64_t> ids = tasks.Create(
      J(R"([{"name": "With lines", "line_ids": [[0, 0, {"qty": 2}], [0, 0, {"qty": 3}]]}, {"name": "Without"}])"));
  ASSERT_EQ(ids.size(), 2u);
  const Value row = Row(tasks, ids[0], {"line_total", "label", "root_id"});
  EXPECT_EQ(row["line_total"], 5) << "its lines exist only after the INSERT";
  EXPECT_EQ(row["label"], "With lines");
  EXPECT_EQ(row["root_id"][0], ids[0]);
  const Value other = Row(tasks, ids[1], {"line_total", "root_id"});
  EXPECT_EQ(other["line_total"], 0);
  EXPECT_EQ(other["root_id"][0], ids[1]);
  ExpectSettled(fx, env, "x.task", ids);
}

// Links to existing records (a many2many's (6, 0, ids)) are made after the
// INSERT, by no create of their own: what counts them is computed then.
TEST(PrecomputePg, LinksGivenAtCreateAreCountedAfterTheInsert) {
  ComputeFixture fx = ComputeFixture::Make("precompute_links");
  const Environment env = fx.Env(kAdmin).Sudo();
  const auto owners = RecordSet::Of(env, "x.owner").Create(J(R"([{"name": "Ann"}, {"name": "Bob"}])"));
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  Value vals = J(R"({"name": "Watched"})");
  vals["watcher_ids"] = Value::array({Value::array({6, 0, Value::array({owners[0], owners[1]})})});
  const std::int64_t task = tasks.Create(vals).at(0);
  EXPECT_EQ(Row(tasks, task, {"watcher_count"})["watcher_count"], 2);
  ExpectSettled(fx, env, "x.task", {task});
}

// The context's defaults are among the values a compute sees.
TEST(PrecomputePg, ContextDefaultsAreAmongTheValues) {
  ComputeFixture fx = ComputeFixture::Make("precompute_context");
  const Environment su = fx.Env(kAdmin).Sudo();
  const std::int64_t owner = RecordSet::Of(su, "x.owner").Create(J(R"({"name": "Ann", "code": "A1"})")).at(0);
  const Environment env = su.WithContext(Value{{"default_owner_id", owner}});
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  const std::int64_t task = tasks.Create(J(R"({"name": "Defaulted"})")).at(0);
  const Value row = Row(tasks, task, {"label", "owner_code"});
  EXPECT_EQ(row["label"], "Ann: Defaulted");
  EXPECT_EQ(row["owner_code"], "A1");
  ExpectSettled(fx, env, "x.task", {task});
}

// A method's own error is the create's, as when it ran after the INSERT.
TEST(PrecomputePg, AMethodsErrorReachesTheCaller) {
  ComputeFixture fx = ComputeFixture::Make("precompute_error");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet tickets = RecordSet::Of(env, "x.ticket");
  try {
    tickets.Create(J(R"([{"name": "fine"}, {"name": "boom"}])"));
    ADD_FAILURE() << "no error";
  } catch (const UserError& error) {
    EXPECT_STREQ(error.what(), "no ticket may be called boom");
  }
}

TEST(PrecomputePg, AComputeThatQueriesTheDatabaseWaitsForTheRow) {
  ComputeFixture fx = ComputeFixture::Make("precompute_query");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet stamps = RecordSet::Of(env, "x.stamp");
  const std::int64_t first = stamps.Create(J(R"({"name": "s"})")).at(0);
  const std::int64_t second = stamps.Create(J(R"({"name": "s"})")).at(0);
  EXPECT_EQ(Row(stamps, first, {"serial"})["serial"], 1) << "its own row counted";
  EXPECT_EQ(Row(stamps, second, {"serial"})["serial"], 2);
}

TEST(PrecomputePg, AnEditableComputeGivenAValueKeepsIt) {
  ComputeFixture fx = ComputeFixture::Make("precompute_kept");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  const std::int64_t task = tasks.Create(J(R"({"name": "Mine", "note": "my own note"})")).at(0);
  const Value row = Row(tasks, task, {"note", "label", "root_label"});
  EXPECT_EQ(row["note"], "my own note");
  EXPECT_EQ(row["label"], "Mine");
  EXPECT_EQ(row["root_label"], "Mine");
  ExpectSettled(fx, env, "x.task", {task}, {"note"});
}

void AddCreateRule(ComputeFixture& fx, const char* name, const std::string& domain) {
  auto rule = fx.connection().Execute(
      "INSERT INTO ir_rule (name, model_id, domain_force, perm_read, perm_write, perm_create, perm_unlink, active) "
      "SELECT $1, id, $2, false, false, true, false, true FROM ir_model WHERE model = 'x.task'",
      name, domain);
  ASSERT_TRUE(rule) << rule.error().message;
}

// Create rules are checked after the stored computes (crud_create.cpp): a
// rule on a computed column sees the value computed before the INSERT,
// answered by the INSERT itself (no statement after it).
TEST(PrecomputePg, ACreateRuleSeesTheComputedValuesInTheInsert) {
  ComputeFixture fx = ComputeFixture::Make("precompute_rule");
  const std::int64_t clerk = fx.AddUserWithAccess("clerk", {"x.task", "x.task.line"}, {"rwcu", "rwcu"});
  AddCreateRule(fx, "no secrets", R"([["label", "not ilike", "secret"]])");
  const Environment env = fx.Env(clerk);
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  EXPECT_THROW(tasks.Create(J(R"({"name": "secret plan"})")), AccessError);
  EXPECT_THROW(tasks.Create(J(R"([{"name": "open plan"}, {"name": "secret plan"}])")), AccessError)
      << "any record of the batch";
  Sent sent;
  CreateCounting(fx, tasks, J(R"({"name": "open plan"})"), sent);
  ASSERT_FALSE(sent.texts.empty());
  EXPECT_TRUE(sent.texts.back().starts_with("INSERT")) << "nothing after the INSERT, which has the rule"
                                                       << sent.Listed();
  // With lines, checked after them, by a query of its own, as before.
  EXPECT_THROW(tasks.Create(J(R"({"name": "secret plan", "line_ids": [[0, 0, {"qty": 1}]]})")), AccessError);
  EXPECT_NO_THROW(tasks.Create(J(R"({"name": "open plan", "line_ids": [[0, 0, {"qty": 1}]]})")));
}

// A rule on what the lines make (line_total, computed after them): the
// INSERT cannot answer it, the query after the recompute does.
TEST(PrecomputePg, ACreateRuleOnWhatTheLinesMakeIsCheckedAfterThem) {
  ComputeFixture fx = ComputeFixture::Make("precompute_rule_lines");
  const std::int64_t clerk = fx.AddUserWithAccess("clerk", {"x.task", "x.task.line"}, {"rwcu", "rwcu"});
  AddCreateRule(fx, "not twenty", R"([["line_total", "!=", 20]])");
  const Environment env = fx.Env(clerk);
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  EXPECT_THROW(tasks.Create(J(R"({"name": "big", "line_ids": [[0, 0, {"qty": 20}]]})")), AccessError)
      << "line_total is NULL in the INSERT, 20 after the lines";
  EXPECT_NO_THROW(tasks.Create(J(R"({"name": "small", "line_ids": [[0, 0, {"qty": 2}]]})")));
}

// A rule that reads a row of the table through a link (here the root,
// which is the new record itself) cannot be answered by the INSERT, which
// does not see the rows it inserts: it is checked by a query after it.
TEST(PrecomputePg, ACreateRuleThroughALinkIsCheckedAfterTheInsert) {
  ComputeFixture fx = ComputeFixture::Make("precompute_rule_link");
  const std::int64_t clerk = fx.AddUserWithAccess("clerk", {"x.task"}, {"rwcu"});
  AddCreateRule(fx, "no secret roots", R"(["!", ["root_id.name", "ilike", "secret"]])");
  const Environment admin = fx.Env(kAdmin).Sudo();
  const std::int64_t secret = RecordSet::Of(admin, "x.task").Create(J(R"({"name": "secret top"})")).at(0);
  const Environment env = fx.Env(clerk);
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  EXPECT_THROW(tasks.Create(J(R"({"name": "secret plan"})")), AccessError) << "its own root, itself";
  EXPECT_THROW(tasks.Create(Value{{"name", "child"}, {"parent_id", secret}}), AccessError);
  Sent sent;
  CreateCounting(fx, tasks, J(R"({"name": "open plan"})"), sent);
  ASSERT_FALSE(sent.texts.empty());
  EXPECT_TRUE(sent.texts.back().starts_with("SELECT")) << "the rule's own query, last" << sent.Listed();
}

// A write's recompute reads the current values of every method of a round
// of one model in one statement (compute_engine.cpp): a field is written by
// its own method only.
TEST(RecomputePg, ARoundReadsItsCurrentValuesOncePerModel) {
  ComputeFixture fx = ComputeFixture::Make("recompute_round");
  const Environment env = fx.Env(kAdmin).Sudo();
  const RecordSet tasks = RecordSet::Of(env, "x.task");
  const std::int64_t task = tasks.Create(J(R"({"name": "Before"})")).at(0);
  std::vector<std::string> sent;
  fx.connection().SetStatementObserver(
      [&sent](const std::string& text, std::span<const db::Param>) { sent.push_back(text); });
  tasks.Browse({task}).Write(J(R"({"name": "After"})"));
  fx.connection().SetStatementObserver(nullptr);
  std::string listed;
  std::size_t together = 0, note_alone = 0;
  for (const std::string& text : sent) {
    listed += "\n  " + text;
    if (text.starts_with("SELECT \"t0\".\"id\", \"t0\".\"label\", \"t0\".\"note\" FROM")) ++together;
    if (text.starts_with("SELECT \"t0\".\"id\", \"t0\".\"note\" FROM")) ++note_alone;
  }
  EXPECT_EQ(together, 1u) << "label's and note's current values, in round 1" << listed;
  EXPECT_EQ(note_alone, 0u) << listed;
  EXPECT_EQ(sent.size(), 13u) << listed;
  const Value row = Row(tasks, task, {"label", "note", "root_label"});
  EXPECT_EQ(row["label"], "After");
  EXPECT_EQ(row["note"], "about After");
  EXPECT_EQ(row["root_label"], "After");
}

}  // namespace
}  // namespace citadel::orm
