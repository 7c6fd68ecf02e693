#include "orm/company_tree.hpp"

#include <algorithm>
#include <unordered_set>

namespace citadel::orm {

std::vector<std::int64_t> CompanyTree::Walk(std::span<const std::int64_t> start, bool down) const {
  std::unordered_set<std::int64_t> reached;
  std::vector<std::int64_t> frontier;
  for (std::int64_t id : start) {
    if (parents_.contains(id) && reached.insert(id).second) frontier.push_back(id);
  }
  if (down) {
    // Few companies per tenant: one pass over the links per level is enough.
    std::unordered_map<std::int64_t, std::vector<std::int64_t>> children;
    for (const auto& [id, parent] : parents_) {
      if (parent != 0) children[parent].push_back(id);
    }
    while (!frontier.empty()) {
      const std::int64_t id = frontier.back();
      frontier.pop_back();
      auto it = children.find(id);
      if (it == children.end()) continue;
      for (std::int64_t child : it->second) {
        if (reached.insert(child).second) frontier.push_back(child);
      }
    }
  } else {
    // A cycle (the ORM refuses one, a psql user may not) ends when a company
    // is met again, as the SQL walk's UNION ends it.
    for (std::int64_t id : frontier) {
      for (auto it = parents_.find(id); it != parents_.end() && it->second != 0;
           it = parents_.find(it->second)) {
        if (!parents_.contains(it->second) || !reached.insert(it->second).second) break;
      }
    }
  }
  std::vector<std::int64_t> ids(reached.begin(), reached.end());
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace citadel::orm
