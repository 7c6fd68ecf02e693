// PreparedStatementCache: which statement texts one connection has prepared,
// under which server-side names, so that a statement the ORM sends again is
// executed without being parsed and planned again (PQexecPrepared).
//
// Why: the ORM renders the same text for the same shape of query
// (composed_sql.hpp), and one external call sends a handful of them; parsing
// and planning them every time costs more than running them on small tables.
//
// Bounded: at most `capacity` statements; the least recently used one is
// evicted, and the caller DEALLOCATEs the evicted name on the server.
// Prepared statements outlive transactions (a ROLLBACK does not remove
// them), so the cache is only cleared when its connection is closed.
//
// Plain data with no I/O: owned by one Connection, used by its one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace citadel::db {

class PreparedStatementCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 512;

  explicit PreparedStatementCache(std::size_t capacity = kDefaultCapacity)
      : capacity_(capacity == 0 ? 1 : capacity) {}

  // Only data statements are worth keeping: DDL and one-off utility
  // statements would only evict the ORM's hot queries.
  static bool IsCacheable(std::string_view text);

  // The name `text` was prepared under, marking it most recently used.
  std::optional<std::string> Find(const std::string& text);

  // A fresh name for `text`, to prepare and then Remember.
  std::string NextName() { return "citadel_s" + std::to_string(++counter_); }

  // Records that `text` is prepared as `name`; returns the name evicted to
  // stay within capacity, which the caller must DEALLOCATE.
  std::optional<std::string> Remember(const std::string& text, const std::string& name);

  // Forgets `text` (its statement failed in a way that makes it unusable).
  void Forget(const std::string& text);

  void Clear();
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string text;
    std::string name;
  };
  std::size_t capacity_;
  std::uint64_t counter_ = 0;
  std::list<Entry> lru_;  // front: most recently used
  std::unordered_map<std::string_view, std::list<Entry>::iterator> entries_;
};

}  // namespace citadel::db
