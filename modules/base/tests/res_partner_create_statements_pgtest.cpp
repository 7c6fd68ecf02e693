// What one res.partner create sends to PostgreSQL, counted with
// db::Connection::statements_sent() in an environment whose rights come
// from a SecurityCache, as a client's call has them: issue 5's create
// target is bounded by these statements, so a change that adds one fails
// here. On failure the statements are listed (texts only).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "modules/base/tests/installed_base.hpp"
#include "orm/record_set.hpp"
#include "orm/security_cache.hpp"

namespace citadel::modules {
namespace {

using orm::Environment;
using orm::RecordSet;
using orm::Value;
using testing::Connect;
using testing::InstalledBaseAndContacts;
using testing::Rollback;
using testing::kAdmin;

struct PartnerCreateStatements : ::testing::Test {
  const testing::Installed& installed = InstalledBaseAndContacts();
  db::Connection connection = Connect(installed);
  Rollback rollback{connection};
  orm::SecurityCache cache;
  std::vector<std::string> sent;

  // The admin's environment for a call, the rights' version read first as
  // a call reads it (not counted).
  Environment CallEnvironment() {
    const orm::CallSecurity security = cache.ForCall(connection, kAdmin);
    return Environment(installed.registry, connection, kAdmin).WithSecurity(security.snapshot, security.user);
  }

  // The statements one create of `vals` sends, made twice so that the
  // second one meets a warm cache (prepared statements, rights).
  std::uint64_t CreateStatements(const Value& vals) {
    RecordSet::Of(CallEnvironment(), "res.partner").Create(vals);
    const Environment env = CallEnvironment();
    sent.clear();
    connection.SetStatementObserver([this](const std::string& text, std::span<const db::Param>) { sent.push_back(text); });
    const std::uint64_t before = connection.statements_sent();
    RecordSet::Of(env, "res.partner").Create(vals);
    const std::uint64_t count = connection.statements_sent() - before;
    connection.SetStatementObserver(nullptr);
    return count;
  }

  std::string Listed() const {
    std::string out;
    for (const std::string& text : sent) out += "\n  " + text;
    return out;
  }
};

// The API bench's create (bench/rpc_api_bench.sh): the INSERT, with every
// stored compute (commercial_partner_id the partner itself, its id taken
// from the sequence by the INSERT), which answers the company rule too. The
// create hooks read nothing for a partner without parent. (22 statements
// before session 10, BEGIN, credentials and COMMIT not counted.)
TEST_F(PartnerCreateStatements, APlainPartnerIsItsInsert) {
  EXPECT_EQ(CreateStatements(Value::parse(R"({"name": "Kalo Mine", "email": "kalo.mine@example.com",
                                   "phone": "+32 412 34 56 78", "city": "Paris"})")),
            1u)
      << Listed();
}

// A contact of a company: no id to take (its commercial partner is the
// company's), but the company read for its name, is_company and commercial
// partner, which is the company itself, read already; the hooks then copy
// the company's commercial fields and address (Odoo's _fields_sync), which
// is most of the statements.
TEST_F(PartnerCreateStatements, AContactOfACompanyReadsTheCompanyOnceBeforeItsInsert) {
  const std::int64_t acme =
      RecordSet::Of(CallEnvironment(), "res.partner").Create(Value::parse(R"({"name": "Acme", "is_company": true})")).at(0);
  Value vals = Value::parse(R"({"name": "John", "email": "john@acme.example"})");
  vals["parent_id"] = acme;
  const std::uint64_t count = CreateStatements(vals);
  std::size_t before_insert = 0;
  while (before_insert < sent.size() && !sent[before_insert].starts_with("INSERT")) ++before_insert;
  EXPECT_EQ(before_insert, 1u) << "the company: its name, is_company, commercial partner (itself) and display name"
                               << Listed();
  EXPECT_EQ(count, 19u) << Listed();
}

// Several partners in one call: one INSERT each.
TEST_F(PartnerCreateStatements, SeveralPartnersAreAnInsertEach) {
  EXPECT_EQ(CreateStatements(Value::parse(R"([{"name": "One"}, {"name": "Two", "city": "Ghent"},
                                              {"name": "Three", "is_company": true}])")),
            3u)
      << Listed();
}

}  // namespace
}  // namespace citadel::modules
