// SecurityCache: one tenant's access-control data, kept across calls so that
// AccessGuard answers from memory instead of three to five queries a call.
// Valid for exactly one SecurityVersion (security_signal.hpp), which each call
// reads in its own transaction before it does anything else:
//
//   CallSecurity security = cache.ForCall(connection, uid);  // 1 query when warm
//   Environment env = Environment(registry, connection, uid).WithSecurity(security);
//
// What is kept (SecuritySnapshot, immutable once built, except its bounded
// map of users which fills as users call):
//   - ir.model.access rows that are active: model, group (0 = everyone), perms;
//   - ir.rule rows that are active: model, JSON domain (parsed once), groups,
//     perms, in id order;
//   - the external ids of groups (`module.name` -> id), for fields' `groups`;
//   - per user: groups, companies, company and partner;
//   - the companies' parent links (company_tree.hpp), when the signal
//     watches res_company;
//   - the SQL of each user's rules per model and operation, as calls compile
//     it (rule_sql_memo.hpp; bounded, fills as calls come).
// The data is read in the call's REPEATABLE READ snapshot right after the
// version, before the call writes anything, so it is exactly the state that
// version names. A call that changes rights sees them from the next call on
// (the bump is in its own transaction).
//
// Thread-safe: ForCall may run on any number of db workers at once; a new
// version replaces the snapshot under a mutex while calls holding the old one
// finish with it (shared_ptr).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/connection.hpp"
#include "orm/company_tree.hpp"
#include "orm/rule_sql_memo.hpp"
#include "orm/security_signal.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

// One bit per Operation (access_guard.hpp): read, write, create, unlink.
using PermissionBits = std::uint8_t;

struct UserSecurity {
  std::int64_t uid = 0;
  std::vector<std::int64_t> groups;     // sorted
  std::vector<std::int64_t> companies;  // sorted
  std::int64_t company_id = 0;          // 0: none
  std::int64_t partner_id = 0;          // 0: none
  bool InGroup(std::int64_t group) const;
};

struct CachedAccess {
  std::int64_t group_id = 0;  // 0: every user
  PermissionBits perms = 0;
};

struct CachedRule {
  std::int64_t id = 0;
  Value domain;  // parsed domain_force; discarded when it is not valid JSON
  std::vector<std::int64_t> groups;  // empty: a global rule
  PermissionBits perms = 0;
};

class SecuritySnapshot {
 public:
  SecuritySnapshot(SecurityVersion version,
                   std::unordered_map<std::string, std::vector<CachedAccess>> access,
                   std::unordered_map<std::string, std::vector<CachedRule>> rules,
                   std::unordered_map<std::string, std::int64_t> group_ids,
                   std::shared_ptr<const CompanyTree> company_tree = nullptr)
      : version_(std::move(version)),
        access_(std::move(access)),
        rules_(std::move(rules)),
        group_ids_(std::move(group_ids)),
        company_tree_(std::move(company_tree)) {}

  const SecurityVersion& version() const { return version_; }
  // Whether an access row grants `perm` to the user (Odoo's ir.model.access.check).
  bool HasAccess(const std::string& model, PermissionBits perm, const UserSecurity& user) const;
  // The model's active rules for `perm` that concern the user (global or of
  // one of its groups), in id order.
  std::vector<const CachedRule*> Rules(const std::string& model, PermissionBits perm,
                                       const UserSecurity& user) const;
  // The id of the group with external id `xml_id` ("base.group_user"), or 0.
  std::int64_t GroupId(const std::string& xml_id) const;
  // The companies' parent links, or null when this database's signal does
  // not watch them (then nothing may be concluded from a cached tree).
  const CompanyTree* company_tree() const { return company_tree_.get(); }

  // Users met under this version (bounded).
  std::shared_ptr<const UserSecurity> FindUser(std::int64_t uid) const;
  void RememberUser(std::shared_ptr<const UserSecurity> user) const;

  // Rules compiled to SQL under this version (AccessGuard::RecordsAllowedSql).
  RuleSqlMemo& rule_sql() const { return rule_sql_; }

 private:
  SecurityVersion version_;
  std::unordered_map<std::string, std::vector<CachedAccess>> access_;
  std::unordered_map<std::string, std::vector<CachedRule>> rules_;
  std::unordered_map<std::string, std::int64_t> group_ids_;
  std::shared_ptr<const CompanyTree> company_tree_;
  mutable std::mutex users_mutex_;
  mutable std::unordered_map<std::int64_t, std::shared_ptr<const UserSecurity>> users_;
  mutable RuleSqlMemo rule_sql_;
};

// What one call carries in its Environment: both set, or both null (no
// signal in this database: AccessGuard queries as before).
struct CallSecurity {
  std::shared_ptr<const SecuritySnapshot> snapshot;
  std::shared_ptr<const UserSecurity> user;
};

class SecurityCache {
 public:
  // In the call's transaction, before it writes: reads the version (and the
  // snapshot and the user when they are not cached for it). Throws
  // DatabaseError when a query fails. A user that does not exist gets no
  // groups and no companies.
  // `known`: the version, when the caller read it already in this
  // transaction (rpc reads it with the credentials, in one statement).
  CallSecurity ForCall(db::Connection& connection, std::int64_t uid,
                       std::optional<SecurityVersion> known = std::nullopt);
  // Whether this tenant's database is known to have the signal (then its
  // version may be read together with other rows).
  bool signal_present() const;
  // The version of the snapshot held now, if any: what a call may assume
  // before it has read the version, provided it checks it afterwards in
  // the same transaction.
  std::optional<SecurityVersion> cached_version() const;

  // How many snapshots ForCall has loaded (tests: the cache is used, and emptied).
  std::uint64_t snapshot_loads() const;

 private:
  mutable std::mutex mutex_;
  bool signal_present_ = false;  // once seen, a table never goes away
  std::shared_ptr<const SecuritySnapshot> snapshot_;
  std::uint64_t snapshot_loads_ = 0;
};

// Loads a snapshot for `version` (four queries). Public for tests.
std::shared_ptr<const SecuritySnapshot> LoadSecuritySnapshot(db::Connection& connection,
                                                             SecurityVersion version);
// Loads one user's groups, companies, company and partner (one query).
std::shared_ptr<const UserSecurity> LoadUserSecurity(db::Connection& connection, std::int64_t uid);

// One SecurityCache per tenant database, made on first use. Thread-safe.
class SecurityCaches {
 public:
  // A dropped tenant's entry stays (a namesake gets a new epoch, so it
  // reloads); the map holds at most one small entry per tenant.
  std::shared_ptr<SecurityCache> For(const std::string& tenant);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<SecurityCache>> caches_;
};

}  // namespace citadel::orm
