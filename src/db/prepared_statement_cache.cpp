#include "db/prepared_statement_cache.hpp"

#include <algorithm>
#include <cctype>

namespace citadel::db {

bool PreparedStatementCache::IsCacheable(std::string_view text) {
  const auto start = std::find_if(text.begin(), text.end(),
                                  [](unsigned char c) { return !std::isspace(c) && c != '('; });
  std::string keyword;
  for (auto it = start; it != text.end() && std::isalpha(static_cast<unsigned char>(*it)); ++it) {
    keyword.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(*it))));
  }
  return keyword == "SELECT" || keyword == "INSERT" || keyword == "UPDATE" || keyword == "DELETE" ||
         keyword == "WITH";
}

std::optional<std::string> PreparedStatementCache::Find(const std::string& text) {
  auto it = entries_.find(text);
  if (it == entries_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->name;
}

std::optional<std::string> PreparedStatementCache::Remember(const std::string& text,
                                                            const std::string& name) {
  if (auto it = entries_.find(text); it != entries_.end()) {
    it->second->name = name;
    lru_.splice(lru_.begin(), lru_, it->second);
    return std::nullopt;
  }
  lru_.push_front(Entry{text, name});
  // The key views the list node's own string, which never moves.
  entries_.emplace(std::string_view(lru_.front().text), lru_.begin());
  if (lru_.size() <= capacity_) return std::nullopt;
  std::string evicted = std::move(lru_.back().name);
  entries_.erase(std::string_view(lru_.back().text));
  lru_.pop_back();
  return evicted;
}

void PreparedStatementCache::Forget(const std::string& text) {
  auto it = entries_.find(text);
  if (it == entries_.end()) return;
  auto node = it->second;
  entries_.erase(it);
  lru_.erase(node);
}

void PreparedStatementCache::Clear() {
  entries_.clear();
  lru_.clear();
}

}  // namespace citadel::db
