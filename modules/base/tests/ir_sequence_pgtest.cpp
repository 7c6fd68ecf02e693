// ir.sequence numbers on a real PostgreSQL: prefix/suffix/padding as Odoo,
// the company's sequence before a shared one, no gaps and no duplicates
// under concurrent transactions (the second waits, is retried, and gets the
// next number), read access required.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <set>
#include <thread>

#include "modules/base/ir_sequence_next.hpp"
#include "modules/base/tests/installed_base.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"
#include "orm/transaction_runner.hpp"

namespace citadel::modules {
namespace {

using base::NextSequenceValue;
using orm::Environment;
using orm::Value;
using testing::Connect;
using testing::InstalledBaseAndContacts;
using testing::kAdmin;

// Commits a sequence (through the ORM, as admin).
void MakeSequence(const testing::Installed& installed, const Value& vals) {
  db::Connection c = Connect(installed);
  orm::TransactionRunner runner(c, installed.registry);
  runner.Run([&] {
    Environment env(installed.registry, c, kAdmin);
    orm::RecordSet::Of(env, "ir.sequence").Create(vals);
  });
}

TEST(SequencePg, PrefixSuffixPaddingAndCompany) {
  const auto& installed = InstalledBaseAndContacts();
  MakeSequence(installed, {{"name", "Invoices"}, {"code", "test.format"}, {"prefix", "INV/%(year)s/"},
                           {"suffix", "-%(month)s"}, {"padding", 4}, {"number_next", 7},
                           {"number_increment", 3}, {"company_id", false}});
  db::Connection c = Connect(installed);
  orm::TransactionRunner runner(c, installed.registry);
  Value context = {{"ir_sequence_date", "2023-11-02"}};
  auto next = [&] {
    return runner.Run([&] {
      Environment env(installed.registry, c, kAdmin, context);
      return NextSequenceValue(env, "test.format");
    });
  };
  EXPECT_EQ(next(), "INV/2023/0007-11");
  EXPECT_EQ(next(), "INV/2023/0010-11");
  EXPECT_EQ(runner.Run([&] {
              Environment env(installed.registry, c, kAdmin);
              return NextSequenceValue(env, "test.no_such_code");
            }),
            "");

  // The current company's own sequence comes before a shared one.
  MakeSequence(installed, {{"name", "Mine"}, {"code", "test.format"}, {"prefix", "MINE-"},
                           {"company_id", 1}});
  EXPECT_EQ(next(), "MINE-1");
}

TEST(SequencePg, GaplessUnderConcurrentTransactions) {
  const auto& installed = InstalledBaseAndContacts();
  MakeSequence(installed, {{"name", "Gapless"}, {"code", "test.gapless"},
                           {"implementation", "no_gap"}, {"company_id", false}});

  // One transaction holds the row; a second waits, then is retried and gets
  // the next number.
  db::Connection first = Connect(installed);
  ASSERT_TRUE(first.Execute("BEGIN ISOLATION LEVEL REPEATABLE READ"));
  Environment first_env(installed.registry, first, kAdmin);
  EXPECT_EQ(NextSequenceValue(first_env, "test.gapless"), "1");
  std::promise<void> started;
  auto second = std::async(std::launch::async, [&] {
    db::Connection c = Connect(installed);
    orm::TransactionRunner runner(c, installed.registry);
    started.set_value();
    std::string value = runner.Run([&] {
      Environment env(installed.registry, c, kAdmin);
      return NextSequenceValue(env, "test.gapless");
    });
    return std::make_pair(value, runner.last_tries());
  });
  started.get_future().wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it block on the row
  ASSERT_TRUE(first.Execute("COMMIT"));
  const auto [value, tries] = second.get();
  EXPECT_EQ(value, "2");
  EXPECT_EQ(tries, 2) << "the waiting transaction is retried once";

  // Many numbers from two threads at once: every committed number once.
  auto take = [&](int count) {
    db::Connection c = Connect(installed);
    orm::TransactionRunnerOptions options;
    options.max_tries = 50;
    orm::TransactionRunner runner(c, installed.registry, options);
    std::vector<std::string> taken;
    for (int i = 0; i < count; ++i) {
      taken.push_back(runner.Run([&] {
        Environment env(installed.registry, c, kAdmin);
        return NextSequenceValue(env, "test.gapless");
      }));
    }
    return taken;
  };
  auto a = std::async(std::launch::async, take, 25);
  auto b = std::async(std::launch::async, take, 25);
  std::vector<std::string> all = a.get();
  for (auto& v : b.get()) all.push_back(v);
  std::set<int> numbers;
  for (const auto& v : all) numbers.insert(std::stoi(v));
  EXPECT_EQ(numbers.size(), 50u) << "no duplicates";
  EXPECT_EQ(*numbers.begin(), 3);
  EXPECT_EQ(*numbers.rbegin(), 52) << "no gaps";
}

TEST(SequencePg, ReadAccessIsRequired) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  testing::Rollback rollback(c);
  Environment admin(installed.registry, c, kAdmin);
  Value portal_group = testing::Ref(c, "base.group_portal");
  Value vals = {{"name", "Portal Paul"}, {"login", "paul_seq"}};
  vals["groups_id"] = Value::array({Value::array({6, 0, Value::array({portal_group})})});
  const std::int64_t paul = orm::RecordSet::Of(admin, "res.users").Create(vals).at(0);
  Environment portal(installed.registry, c, paul);
  EXPECT_THROW(NextSequenceValue(portal, "test.gapless"), orm::AccessError);
}

}  // namespace
}  // namespace citadel::modules
