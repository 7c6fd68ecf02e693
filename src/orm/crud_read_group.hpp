// Internal to crud_read_group*.cpp: read_group's pieces that need no
// database — the groupby/aggregate/order specifications as Odoo 18 reads
// them, date granularities (a fixed list), group labels and ranges as Odoo
// formats them for en_US (babel's "MMMM yyyy"...; weeks start on Sunday),
// and expression.AND on domains. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/query_result.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::read_group {

inline constexpr std::size_t kMaxGroupbyLevels = 5;
// Groups one call may return without a limit; past it the call is refused
// rather than answered in part.
inline constexpr std::int64_t kMaxGroups = 100000;

enum class Granularity {
  kNone,
  // READ_GROUP_TIME_GRANULARITY: the group is a period, labelled.
  kHour, kDay, kWeek, kMonth, kQuarter, kYear,
  // READ_GROUP_NUMBER_GRANULARITY: the group is a number (date_part).
  kYearNumber, kQuarterNumber, kMonthNumber, kIsoWeekNumber, kDayOfYear, kDayOfMonth,
  kDayOfWeek, kHourNumber, kMinuteNumber, kSecondNumber,
};

std::optional<Granularity> GranularityFromName(std::string_view name);
std::string_view GranularityName(Granularity granularity);
bool IsPeriod(Granularity granularity);

struct GroupSpec {
  std::string key;        // as the client gave it: "date", "date:week"
  const Field* field = nullptr;
  Granularity granularity = Granularity::kNone;  // month when a date(time) has none
  std::string annotated;  // "date:month"
};

struct AggregateSpec {
  std::string key;               // the result's key
  const Field* field = nullptr;  // null for __count
  std::string function;          // sum, avg, ..., empty for __count
};

// Odoo's parse of groupby specs (field[:granularity]); ValidationError with
// Odoo's ValueError text otherwise.
GroupSpec ParseGroupby(const Model& model, const std::string& spec);
// "__count", "field:func" or the default aggregator: Odoo's read_group
// fields -> annotated aggregates. The first entry is the count.
std::vector<AggregateSpec> ParseAggregates(const Model& model, const std::vector<std::string>& fields,
                                           const std::vector<GroupSpec>& groups, bool lazy);
// An aggregate spec "field:func" on its own (orderby terms).
AggregateSpec ParseAggregate(const Model& model, const std::string& spec, const std::string& key);

struct GroupOrderTerm {
  std::string term;  // annotated: "date:month", "weight:sum", "__count"
  bool descending = false;
  std::string nulls;  // "", "first", "last"
};
// Odoo's read_group rewriting of orderby keys to annotated specs.
std::vector<GroupOrderTerm> ParseOrderby(std::string_view orderby, const std::vector<GroupSpec>& groups,
                                    const std::vector<AggregateSpec>& aggregates);

// Period labels and ranges from the period's start, "YYYY-MM-DD" (date) or
// "YYYY-MM-DD HH:MM:SS" (datetime), in the same format.
std::string PeriodLabel(Granularity granularity, std::string_view start);
std::string PeriodEnd(Granularity granularity, std::string_view start);

// The grouped query's rows (the group columns in `groups` order, then the
// aggregates) as Odoo's read_group dicts: many2one/many2many groups as
// [id, display_name] (names read in sudo), periods labelled with __range,
// __domain (the client's domain AND the group's), __context for the
// groupbys left when lazy.
Value FormatGroups(const Environment& env, const Model& model, const db::QueryResult& rows,
                   const std::vector<GroupSpec>& groups, const std::vector<AggregateSpec>& aggregates,
                   const std::vector<std::string>& groupby, const Value& domain,
                   const std::optional<std::string>& tz);

// Odoo's expression.AND([a, b]).
Value AndDomains(const Value& a, const Value& b);

}  // namespace citadel::orm::read_group
