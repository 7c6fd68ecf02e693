// Test-only: a minimal base for the record layer's pg tests, shaped as Odoo
// 18 lays it out (base's models are not declared yet): res.users (login,
// write-only password, groups_id in res_groups_users_rel(uid, gid)),
// res.groups, res.company, ir.model, ir.model.access, ir.rule (groups in
// rule_group_rel(rule_group_id, group_id), domain_force as JSON text),
// ir.model.data, and a res.partner with every stored field type, a
// hierarchy, a company, tags (many2many) and a field restricted to a group.
//
// RecordFixture::Make creates a fresh database, syncs the schema, fills
// ir.model and creates uid 1 (admin, su-style seeding only), and lets tests
// add groups, users, access rows and rules with plain SQL. Test-only; one
// thread per fixture.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/security_cache.hpp"

namespace citadel::orm::record_testing {

std::shared_ptr<const Registry> RecordTestRegistry();

class RecordFixture {
 public:
  static RecordFixture Make(const std::string& database);

  db::Connection& connection() { return connection_; }
  const std::shared_ptr<const Registry>& registry() const { return registry_; }
  // With UseSecurityCache, each Env reads the security version and answers
  // access checks from the cache, as a client's call does.
  Environment Env(std::int64_t uid, Value context = Value::object()) {
    Environment env(registry_, connection_, uid, std::move(context));
    if (!security_cache_) return env;
    CallSecurity security = security_cache_->ForCall(connection_, uid);
    if (!security.snapshot) throw std::runtime_error("the fixture database has no security signal");
    return env.WithSecurity(std::move(security.snapshot), std::move(security.user));
  }
  void UseSecurityCache() { security_cache_ = std::make_shared<SecurityCache>(); }
  SecurityCache* security_cache() { return security_cache_.get(); }

  // Seeding, with plain SQL (not through the guard).
  std::int64_t AddGroup(const std::string& name, const std::string& xml_id = "");
  std::int64_t AddUser(const std::string& login, const std::vector<std::int64_t>& groups);
  // group 0: every user. Flags "rwcu" as in access.csv.
  void AddAccess(const std::string& model, std::int64_t group, const std::string& flags);
  // groups empty: a global rule.
  void AddRule(const std::string& model, const std::string& domain_json,
               const std::vector<std::int64_t>& groups, const std::string& flags);
  std::int64_t AddCompany(const std::string& name);
  // A SQL statement returning one value (the first column of the first row).
  std::string Scalar(const std::string& description, db::SqlText sql);

 private:
  RecordFixture(db::Connection connection, std::shared_ptr<const Registry> registry)
      : connection_(std::move(connection)), registry_(std::move(registry)) {}
  db::Connection connection_;
  std::shared_ptr<const Registry> registry_;
  std::shared_ptr<SecurityCache> security_cache_;
};

}  // namespace citadel::orm::record_testing
