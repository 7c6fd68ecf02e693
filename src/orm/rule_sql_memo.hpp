// RuleSqlMemo: the SQL of one user's record rules for one model and operation
// (AccessGuard::RecordsAllowedSql), kept for the life of one SecuritySnapshot
// so that a call does not substitute, parse and compile the same rules again
// (~9% of Citadel's CPU per read by id, session 15).
//
// Why reusing it is right: under one snapshot the rules, the user's groups,
// companies, company and partner cannot change (a change bumps the security
// version, which makes a new snapshot with an empty memo). Everything else
// the SQL is made of is in the key (model, operation, alias, uid, the
// context's allowed_company_ids as sent) or checked on every hit (the same
// registry and the same user object; the entry holds both, so that their
// addresses cannot be reused by others). The caller keeps nothing whose rules
// read the database to substitute a variable (user.commercial_partner_id),
// and only answers are kept, never refusals: a call whose rules throw
// computes them again, and throws again.
//
// Bounded: past kMaxEntries, answers are computed and not kept.
// Thread-safe: one mutex around the map; the work is done outside it.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "db/composed_sql.hpp"

namespace citadel::orm {

class Registry;
struct UserSecurity;

class RuleSqlMemo {
 public:
  static constexpr std::size_t kMaxEntries = 4096;

  struct Entry {
    std::shared_ptr<const Registry> registry;
    std::shared_ptr<const UserSecurity> user;
    std::optional<db::ComposedSql> sql;  // nullopt: no rule applies
  };

  // The entry for `key` if it was made with this very registry and user.
  std::shared_ptr<const Entry> Find(const std::string& key, const Registry* registry,
                                    const UserSecurity* user) const;
  // Kept unless the memo is full (then dropped: the caller has its answer).
  void Remember(std::string key, Entry entry);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> entries_;
};

}  // namespace citadel::orm
