// CompanyTree: the parent links of a tenant's companies (res_company.id ->
// parent_id), kept in a SecuritySnapshot so that record rules of the form
// ('company_id', 'parent_of', company_ids) — res.partner's company rule,
// evaluated on every read of a partner — name the companies themselves
// instead of sending a recursive CTE that PostgreSQL plans and runs on every
// call (a third of a read's database time, measured in session 10).
//
// Sound only because the security signal watches res_company (inserts,
// deletes and parent_id updates bump the version, security_signal.hpp): the
// snapshot holding a tree names exactly that tree. A database whose signal
// does not watch res_company yet (before its next upgrade) gets no tree, and
// rules keep walking in SQL.
//
// Immutable once built; thread-safe to read.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace citadel::orm {

class CompanyTree {
 public:
  // id -> parent id (0: none).
  explicit CompanyTree(std::unordered_map<std::int64_t, std::int64_t> parents) : parents_(std::move(parents)) {}

  // The existing companies among `start` and, walking toward parents (`down`
  // false) or toward children (`down` true), every company reached; sorted,
  // without duplicates. Ids that are not companies (0, deleted ones) start
  // nothing, as the SQL walk's seed finds no row for them. Archived
  // companies are walked as the SQL walk does: it ignores `active`.
  std::vector<std::int64_t> Walk(std::span<const std::int64_t> start, bool down) const;

  std::size_t size() const { return parents_.size(); }

 private:
  std::unordered_map<std::int64_t, std::int64_t> parents_;
};

}  // namespace citadel::orm
