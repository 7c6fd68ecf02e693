// Test-only: what the access matrix tests of base and contacts share (as
// Odoo's test_access_rights): the six user profiles with Odoo's implied
// groups, the expected rights as hand-copied lines, one user per profile, and
// a real operation through CallModelMethod whose refusal must be an
// AccessError that names the model and the operation and carries no data.
//
// The expected lines are typed by hand from Odoo 18's ir.model.access.csv
// files (and, for Citadel's own models, from what the issue decided), NOT
// read from our access.csv: a change to the CSV must break a test.
// Header-only; no state.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "modules/base/tests/installed_base.hpp"
#include "orm/access_guard.hpp"
#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::testing {

// model, group, rights among "rwcu".
struct AccessLine {
  const char* model;
  const char* group;
  const char* perms;
};

// Odoo's implied groups (base_groups.xml), transitively, for each profile.
inline const std::map<std::string, std::set<std::string>>& ProfileGroups() {
  static const std::map<std::string, std::set<std::string>> implied = {
      {"group_public", {"group_public"}},
      {"group_portal", {"group_portal"}},
      {"group_user", {"group_user", "group_no_one"}},
      {"group_partner_manager", {"group_user", "group_no_one", "group_partner_manager"}},
      {"group_erp_manager", {"group_erp_manager", "group_user", "group_no_one"}},
      {"group_system",
       {"group_system", "group_erp_manager", "group_user", "group_no_one", "group_sanitize_override"}},
  };
  return implied;
}

inline bool ExpectedRight(const std::vector<AccessLine>& lines, const std::string& profile, const std::string& model,
                          char perm) {
  const auto& groups = ProfileGroups().at(profile);
  return std::any_of(lines.begin(), lines.end(), [&](const AccessLine& line) {
    return line.model == model && groups.count(line.group) && std::string(line.perms).find(perm) != std::string::npos;
  });
}

inline const std::vector<std::pair<orm::Operation, char>>& Operations() {
  static const std::vector<std::pair<orm::Operation, char>> operations = {
      {orm::Operation::kRead, 'r'}, {orm::Operation::kWrite, 'w'}, {orm::Operation::kCreate, 'c'},
      {orm::Operation::kUnlink, 'u'}};
  return operations;
}

// The models the registry says `module` defines (its first module).
inline std::vector<std::string> ModelsOf(const orm::Registry& registry, const std::string& module) {
  std::vector<std::string> names;
  for (const auto& model : registry.models()) {
    if (!model->modules().empty() && model->modules().front() == module) names.push_back(model->name());
  }
  return names;
}

inline std::int64_t MakeUser(orm::Environment& admin, const std::string& login, const std::vector<std::string>& groups,
                             const orm::Value& companies, std::int64_t company) {
  db::Connection& c = admin.connection();
  orm::Value group_ids = orm::Value::array();
  for (const auto& group : groups) group_ids.push_back(Ref(c, "base." + group));
  orm::Value vals = {{"name", login}, {"login", login}, {"company_id", company}};
  vals["groups_id"] = orm::Value::array({orm::Value::array({6, 0, group_ids})});
  vals["company_ids"] = orm::Value::array({orm::Value::array({6, 0, companies})});
  return orm::RecordSet::Of(admin, "res.users").Create(vals).at(0);
}

// One user per profile, in company 1 (a partner manager is an internal user
// too, as Odoo's form makes them).
inline std::map<std::string, std::int64_t> ProfileUsers(orm::Environment& admin, const std::string& prefix) {
  std::map<std::string, std::int64_t> users;
  for (const auto& [profile, groups] : ProfileGroups()) {
    std::vector<std::string> direct = {profile};
    if (profile == "group_partner_manager") direct.push_back("group_user");
    users[profile] = MakeUser(admin, prefix + profile, direct, orm::Value::array({1}), 1);
  }
  return users;
}

// Runs `call` in a savepoint (rolled back when it throws, so that a refused
// operation leaves the test's transaction usable) and returns the
// AccessError's text, or "" when it succeeded. Any other exception fails.
inline std::string AccessRefusal(db::Connection& connection, const std::function<void()>& call,
                                 const std::string& what) {
  if (!connection.Execute("SAVEPOINT matrix")) throw std::runtime_error("SAVEPOINT failed");
  std::string refusal;
  try {
    call();
  } catch (const orm::AccessError& e) {
    refusal = e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": not an AccessError: " << e.what();
    refusal = "(other error)";
  }
  if (!connection.Execute(refusal.empty() ? db::SqlText("RELEASE SAVEPOINT matrix")
                                          : db::SqlText("ROLLBACK TO SAVEPOINT matrix"))) {
    throw std::runtime_error("savepoint end failed");
  }
  return refusal;
}

// Odoo's words for each operation in its ACL refusal.
inline const char* RefusalVerb(orm::Operation operation) {
  switch (operation) {
    case orm::Operation::kRead: return "access";
    case orm::Operation::kWrite: return "modify";
    case orm::Operation::kCreate: return "create";
    case orm::Operation::kUnlink: return "delete";
  }
  return "?";
}

// A refusal names the model and the operation (an ACL's "not allowed to
// modify", a rule's "'write' access"), and shows none of `secrets` (the
// values of the records involved).
inline void ExpectRefusalShape(const std::string& refusal, const std::string& model, orm::Operation operation,
                               const std::vector<std::string>& secrets, const std::string& what) {
  EXPECT_NE(refusal.find("(" + model + ")"), std::string::npos) << what << ": " << refusal;
  const bool acl = refusal.find(std::string("not allowed to ") + RefusalVerb(operation)) != std::string::npos;
  const bool rule = refusal.find("'" + std::string(orm::OperationName(operation)) + "' access") != std::string::npos;
  EXPECT_TRUE(acl || rule) << what << " does not name the operation: " << refusal;
  for (const auto& secret : secrets) {
    EXPECT_EQ(refusal.find(secret), std::string::npos) << what << " shows data: " << refusal;
  }
}

}  // namespace citadel::modules::testing

namespace citadel::modules::testing {

// One model's records for real operations as each profile.
struct OperationSample {
  std::string model;
  // The record a user reads: one its record rules let it see.
  std::function<std::int64_t(std::int64_t uid)> readable;
  // Values for a create (fresh each time: `n` differs).
  std::function<orm::Value(int n)> create_values;
  orm::Value write_values;
  // A record the admin makes, to be written or deleted.
  std::function<std::int64_t()> fresh;
  // Values of those records that no refusal may show.
  std::vector<std::string> secrets;
};

// Every profile calls read, create, write and unlink on every sample through
// CallModelMethod (the clients' entry point): allowed by `lines`, it must
// not be refused; refused, the AccessError names the model and operation and
// shows no data. Returns how many operations were refused.
inline int CheckRealOperations(db::Connection& c, const std::shared_ptr<const orm::Registry>& registry,
                               const std::map<std::string, std::int64_t>& users,
                               const std::vector<AccessLine>& lines, const std::vector<OperationSample>& samples) {
  int refused = 0, allowed = 0, n = 0;
  for (const auto& [profile, uid] : users) {
    orm::Environment env(registry, c, uid);
    for (const auto& sample : samples) {
      for (const auto& [operation, perm] : Operations()) {
        const std::string what = profile + " " + std::string(orm::OperationName(operation)) + " " + sample.model;
        const std::string refusal = AccessRefusal(
            c,
            [&] {
              using orm::Value;
              switch (operation) {
                case orm::Operation::kRead:
                  orm::CallModelMethod(env, sample.model, "read",
                                       Value::array({Value::array({sample.readable(uid)}), Value::array({"display_name"})}),
                                       Value::object());
                  break;
                case orm::Operation::kCreate:
                  orm::CallModelMethod(env, sample.model, "create", Value::array({sample.create_values(++n)}),
                                       Value::object());
                  break;
                case orm::Operation::kWrite:
                  orm::CallModelMethod(env, sample.model, "write",
                                       Value::array({Value::array({sample.fresh()}), sample.write_values}),
                                       Value::object());
                  break;
                case orm::Operation::kUnlink:
                  orm::CallModelMethod(env, sample.model, "unlink", Value::array({Value::array({sample.fresh()})}),
                                       Value::object());
                  break;
              }
            },
            what);
        if (ExpectedRight(lines, profile, sample.model, perm)) {
          EXPECT_EQ(refusal, "") << what << " should be allowed";
          ++allowed;
        } else {
          EXPECT_NE(refusal, "") << what << " should be refused";
          ExpectRefusalShape(refusal, sample.model, operation, sample.secrets, what);
          ++refused;
        }
      }
    }
  }
  EXPECT_GT(allowed, 0);
  return refused;
}

}  // namespace citadel::modules::testing
