// Test-only: models for the computed-field pg tests (compute_pgtest.cpp): the
// minimal Odoo-shaped base the access guard reads (res.users, res.groups,
// ir.model, ir.model.access, ir.rule, ir.model.data), res.country, and a
// partner-like x.contact with a stored recursive compute (complete_name
// "Parent, Child"), non-stored computes, related fields (stored and not), a
// display_name compute, an inverse, an html field and hooks; x.note points at
// contacts; x.owner, x.task, x.task.line and x.stamp have stored computes of
// every kind a create computes before its INSERT, or not
// (compute_new_records_pgtest.cpp). One thread per fixture.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"

namespace citadel::orm::compute_testing {

// What the hooks saw, in order: "create" or "write", the ids, the vals.
struct HookCall {
  std::string kind;
  std::vector<std::int64_t> ids;
  Value vals;
};
std::vector<HookCall>& HookCalls();

std::shared_ptr<const Registry> ComputeTestRegistry();

class ComputeFixture {
 public:
  static ComputeFixture Make(const std::string& database);

  db::Connection& connection() { return connection_; }
  Environment Env(std::int64_t uid) { return Environment(registry_, connection_, uid); }
  // A user in a new group with `flags` ("rwcu") on each of `models`.
  std::int64_t AddUserWithAccess(const std::string& login, const std::vector<std::string>& models,
                                 const std::vector<std::string>& flags);
  // One text value of a query on the test database (bound $1 = id).
  std::string Text(db::SqlText sql, std::int64_t id);

 private:
  ComputeFixture(db::Connection connection, std::shared_ptr<const Registry> registry)
      : connection_(std::move(connection)), registry_(std::move(registry)) {}
  db::Connection connection_;
  std::shared_ptr<const Registry> registry_;
};

}  // namespace citadel::orm::compute_testing
