#include "orm/rule_sql_memo.hpp"

namespace citadel::orm {

std::shared_ptr<const RuleSqlMemo::Entry> RuleSqlMemo::Find(const std::string& key, const Registry* registry,
                                                            const UserSecurity* user) const {
  std::shared_ptr<const Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    entry = it->second;
  }
  if (entry->registry.get() != registry || entry->user.get() != user) return nullptr;
  return entry;
}

void RuleSqlMemo::Remember(std::string key, Entry entry) {
  auto shared = std::make_shared<const Entry>(std::move(entry));
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries && !entries_.contains(key)) return;
  entries_.insert_or_assign(std::move(key), std::move(shared));
}

std::size_t RuleSqlMemo::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace citadel::orm
