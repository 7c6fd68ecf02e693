#include "orm/security_cache.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "orm/environment.hpp"

namespace citadel::orm {
namespace {

// Enough for every user of a large tenant; past it the map starts again
// (a reload costs one query per user).
constexpr std::size_t kMaxUsersPerSnapshot = 20000;

db::QueryResult QueryOrThrow(db::Connection& connection, db::SqlText sql) {
  auto result = connection.Execute(sql);
  if (!result) throw DatabaseError(std::move(result.error()));
  return std::move(*result);
}

std::int64_t ToId(std::optional<std::string_view> text) {
  std::int64_t id = 0;
  if (text) std::from_chars(text->data(), text->data() + text->size(), id);
  return id;
}

// "3,1,2" (array_to_string of ids) -> sorted ids.
std::vector<std::int64_t> ToIds(std::optional<std::string_view> text) {
  std::vector<std::int64_t> ids;
  if (!text) return ids;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    ids.push_back(ToId(rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

PermissionBits Perms(const db::QueryResult& result, int row) {
  PermissionBits bits = 0;
  if (result.Text(row, "perm_read") == "t") bits |= 1;
  if (result.Text(row, "perm_write") == "t") bits |= 2;
  if (result.Text(row, "perm_create") == "t") bits |= 4;
  if (result.Text(row, "perm_unlink") == "t") bits |= 8;
  return bits;
}

}  // namespace

bool UserSecurity::InGroup(std::int64_t group) const {
  return std::binary_search(groups.begin(), groups.end(), group);
}

bool SecuritySnapshot::HasAccess(const std::string& model, PermissionBits perm,
                                 const UserSecurity& user) const {
  auto it = access_.find(model);
  if (it == access_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [&](const CachedAccess& row) {
    return (row.perms & perm) != 0 && (row.group_id == 0 || user.InGroup(row.group_id));
  });
}

std::vector<const CachedRule*> SecuritySnapshot::Rules(const std::string& model,
                                                       PermissionBits perm,
                                                       const UserSecurity& user) const {
  std::vector<const CachedRule*> rules;
  auto it = rules_.find(model);
  if (it == rules_.end()) return rules;
  for (const CachedRule& rule : it->second) {
    if ((rule.perms & perm) == 0) continue;
    if (rule.groups.empty() ||
        std::any_of(rule.groups.begin(), rule.groups.end(),
                    [&](std::int64_t group) { return user.InGroup(group); })) {
      rules.push_back(&rule);
    }
  }
  return rules;
}

std::int64_t SecuritySnapshot::GroupId(const std::string& xml_id) const {
  auto it = group_ids_.find(xml_id);
  return it == group_ids_.end() ? 0 : it->second;
}

std::shared_ptr<const UserSecurity> SecuritySnapshot::FindUser(std::int64_t uid) const {
  std::lock_guard lock(users_mutex_);
  auto it = users_.find(uid);
  return it == users_.end() ? nullptr : it->second;
}

void SecuritySnapshot::RememberUser(std::shared_ptr<const UserSecurity> user) const {
  std::lock_guard lock(users_mutex_);
  if (users_.size() >= kMaxUsersPerSnapshot) users_.clear();
  users_[user->uid] = std::move(user);
}

std::shared_ptr<const SecuritySnapshot> LoadSecuritySnapshot(db::Connection& connection,
                                                             SecurityVersion version) {
  std::unordered_map<std::string, std::vector<CachedAccess>> access;
  db::QueryResult acl = QueryOrThrow(connection,
                            "SELECT m.model, a.group_id, a.perm_read, a.perm_write, "
                            "a.perm_create, a.perm_unlink FROM ir_model_access a JOIN ir_model m "
                            "ON m.id = a.model_id WHERE a.active");
  for (int row = 0; row < acl.rows(); ++row) {
    access[acl.Text(row, "model")].push_back({ToId(acl.Get(row, "group_id")), Perms(acl, row)});
  }
  std::unordered_map<std::string, std::vector<CachedRule>> rules;
  db::QueryResult rule_rows = QueryOrThrow(
      connection,
      "SELECT r.id, m.model, r.domain_force, r.perm_read, r.perm_write, r.perm_create, "
      "r.perm_unlink, array_to_string(ARRAY(SELECT rg.group_id FROM rule_group_rel rg WHERE "
      "rg.rule_group_id = r.id), ',') AS groups FROM ir_rule r JOIN ir_model m ON m.id = "
      "r.model_id WHERE r.active ORDER BY r.id");
  for (int row = 0; row < rule_rows.rows(); ++row) {
    CachedRule rule;
    rule.id = ToId(rule_rows.Get(row, "id"));
    const std::string text = rule_rows.Text(row, "domain_force");
    rule.domain = text.empty() ? Value::array()
                               : Value::parse(text, nullptr, /*allow_exceptions=*/false);
    rule.groups = ToIds(rule_rows.Get(row, "groups"));
    rule.perms = Perms(rule_rows, row);
    rules[rule_rows.Text(row, "model")].push_back(std::move(rule));
  }
  std::unordered_map<std::string, std::int64_t> group_ids;
  db::QueryResult xml_ids = QueryOrThrow(connection,
                                "SELECT module || '.' || name AS xml_id, res_id FROM ir_model_data "
                                "WHERE model = 'res.groups'");
  for (int row = 0; row < xml_ids.rows(); ++row) {
    group_ids.emplace(xml_ids.Text(row, "xml_id"), ToId(xml_ids.Get(row, "res_id")));
  }
  // The tree only when the signal watches res_company (a database not yet
  // upgraded to that trigger keeps walking in SQL): no rows at all then.
  std::shared_ptr<const CompanyTree> company_tree;
  db::QueryResult companies = QueryOrThrow(
      connection,
      "SELECT c.id, c.parent_id, w.watched FROM (SELECT EXISTS (SELECT 1 FROM pg_trigger t WHERE "
      "t.tgrelid = to_regclass('res_company') AND t.tgname = 'citadel_security_changed') AS watched) w "
      "LEFT JOIN res_company c ON w.watched");
  if (!companies.empty() && companies.Text(0, "watched") == "t") {
    std::unordered_map<std::int64_t, std::int64_t> parents;
    for (int row = 0; row < companies.rows(); ++row) {
      if (!companies.Get(row, "id")) continue;
      parents.emplace(ToId(companies.Get(row, "id")), ToId(companies.Get(row, "parent_id")));
    }
    company_tree = std::make_shared<const CompanyTree>(std::move(parents));
  }
  return std::make_shared<const SecuritySnapshot>(std::move(version), std::move(access), std::move(rules),
                                                  std::move(group_ids), std::move(company_tree));
}

std::shared_ptr<const UserSecurity> LoadUserSecurity(db::Connection& connection,
                                                     std::int64_t uid) {
  auto result = connection.Execute(
      "SELECT u.company_id, u.partner_id, array_to_string(ARRAY(SELECT gid FROM "
      "res_groups_users_rel WHERE uid = u.id), ',') AS groups, array_to_string(ARRAY(SELECT cid "
      "FROM res_company_users_rel WHERE user_id = u.id), ',') AS companies FROM res_users u "
      "WHERE u.id = $1",
      uid);
  if (!result) throw DatabaseError(std::move(result.error()));
  auto user = std::make_shared<UserSecurity>();
  user->uid = uid;
  if (!result->empty()) {
    user->company_id = ToId(result->Get(0, "company_id"));
    user->partner_id = ToId(result->Get(0, "partner_id"));
    user->groups = ToIds(result->Get(0, "groups"));
    user->companies = ToIds(result->Get(0, "companies"));
  }
  return user;
}

bool SecurityCache::signal_present() const {
  std::lock_guard lock(mutex_);
  return signal_present_;
}

std::optional<SecurityVersion> SecurityCache::cached_version() const {
  std::lock_guard lock(mutex_);
  if (!signal_present_ || !snapshot_) return std::nullopt;
  return snapshot_->version();
}

CallSecurity SecurityCache::ForCall(db::Connection& connection, std::int64_t uid,
                                    std::optional<SecurityVersion> known) {
  bool present;
  std::shared_ptr<const SecuritySnapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    present = signal_present_ || known.has_value();
    snapshot = snapshot_;
  }
  if (!present) {
    auto has = HasSecuritySignal(connection);
    if (!has) throw DatabaseError(std::move(has.error()));
    if (!*has) return {};
    std::lock_guard lock(mutex_);
    signal_present_ = true;
  }
  core::Result<SecurityVersion> version =
      known ? core::Result<SecurityVersion>(*known) : ReadSecurityVersion(connection);
  if (!version) throw DatabaseError(std::move(version.error()));
  if (!snapshot || !(snapshot->version() == *version)) {
    snapshot = LoadSecuritySnapshot(connection, *version);
    std::lock_guard lock(mutex_);
    ++snapshot_loads_;
    // Another call may have loaded a newer one meanwhile; versions only grow
    // within an epoch, and a new epoch always wins.
    if (!snapshot_ || snapshot_->version().epoch != version->epoch ||
        snapshot_->version().version < version->version) {
      snapshot_ = snapshot;
    }
  }
  std::shared_ptr<const UserSecurity> user = snapshot->FindUser(uid);
  if (!user) {
    user = LoadUserSecurity(connection, uid);
    snapshot->RememberUser(user);
  }
  return {std::move(snapshot), std::move(user)};
}

std::uint64_t SecurityCache::snapshot_loads() const {
  std::lock_guard lock(mutex_);
  return snapshot_loads_;
}

std::shared_ptr<SecurityCache> SecurityCaches::For(const std::string& tenant) {
  std::lock_guard lock(mutex_);
  auto& cache = caches_[tenant];
  if (!cache) cache = std::make_shared<SecurityCache>();
  return cache;
}

}  // namespace citadel::orm
