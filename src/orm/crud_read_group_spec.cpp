// read_group's specifications, labels and domains (crud_read_group.hpp).
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <set>

#include "orm/access_guard.hpp"
#include "orm/crud_read_group.hpp"
#include "orm/crud_support.hpp"
#include "orm/errors.hpp"

namespace citadel::orm::read_group {
namespace {

struct GranularityName_ {
  Granularity granularity;
  std::string_view name;
};
constexpr std::array<GranularityName_, 16> kGranularities = {{
    {Granularity::kHour, "hour"}, {Granularity::kDay, "day"}, {Granularity::kWeek, "week"},
    {Granularity::kMonth, "month"}, {Granularity::kQuarter, "quarter"}, {Granularity::kYear, "year"},
    {Granularity::kYearNumber, "year_number"}, {Granularity::kQuarterNumber, "quarter_number"},
    {Granularity::kMonthNumber, "month_number"}, {Granularity::kIsoWeekNumber, "iso_week_number"},
    {Granularity::kDayOfYear, "day_of_year"}, {Granularity::kDayOfMonth, "day_of_month"},
    {Granularity::kDayOfWeek, "day_of_week"}, {Granularity::kHourNumber, "hour_number"},
    {Granularity::kMinuteNumber, "minute_number"}, {Granularity::kSecondNumber, "second_number"},
}};

bool IsWord(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

[[noreturn]] void InvalidField(const Model& model, const std::string& name) {
  throw ValidationError("Invalid field '" + name + "' on model '" + model.name() + "'");
}

const Field& FieldOf(const Model& model, const std::string& name) {
  const Field* field = model.FindField(name);
  if (field == nullptr) InvalidField(model, name);
  return *field;
}

using Days = std::chrono::sys_days;
struct Stamp {
  std::chrono::year_month_day date;
  int hour = 0, minute = 0, second = 0;
  bool has_time = false;
};

Stamp ParseStamp(std::string_view text) {
  int y = 0, m = 0, d = 0;
  Stamp stamp;
  if (std::sscanf(std::string(text).c_str(), "%d-%d-%d %d:%d:%d", &y, &m, &d, &stamp.hour,
                  &stamp.minute, &stamp.second) >= 3) {
    stamp.date = std::chrono::year{y} / m / d;
  }
  stamp.has_time = text.size() > 10;
  return stamp;
}

std::string Format(const Stamp& stamp) {
  char buffer[32];
  if (stamp.has_time) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02d:%02d:%02d",
                  static_cast<int>(stamp.date.year()), static_cast<unsigned>(stamp.date.month()),
                  static_cast<unsigned>(stamp.date.day()), stamp.hour, stamp.minute, stamp.second);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(stamp.date.year()),
                  static_cast<unsigned>(stamp.date.month()), static_cast<unsigned>(stamp.date.day()));
  }
  return buffer;
}

constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",
                                                 "May",     "June",     "July",      "August",
                                                 "September", "October", "November", "December"};

// date_utils.weeknumber for en_US (first day Sunday, min_week_days 1): the
// week holding January 1st is week 1; days before it belong to the year before.
std::pair<int, int> WeekNumber(std::chrono::year_month_day date) {
  using namespace std::chrono;
  auto sunday_on_or_before = [](sys_days day) {
    return day - (weekday(day) - Sunday);
  };
  const sys_days day{date};
  const sys_days next_first = sunday_on_or_before(sys_days{(date.year() + years{1}) / January / 1});
  if (day >= next_first) return {static_cast<int>(date.year()) + 1, 1};
  const sys_days first = sunday_on_or_before(sys_days{date.year() / January / 1});
  return {static_cast<int>(date.year()), static_cast<int>((day - first).count() / 7 + 1)};
}

}  // namespace

std::optional<Granularity> GranularityFromName(std::string_view name) {
  for (const auto& entry : kGranularities) {
    if (entry.name == name) return entry.granularity;
  }
  return std::nullopt;
}

std::string_view GranularityName(Granularity granularity) {
  for (const auto& entry : kGranularities) {
    if (entry.granularity == granularity) return entry.name;
  }
  return "";
}

bool IsPeriod(Granularity g) {
  return g == Granularity::kHour || g == Granularity::kDay || g == Granularity::kWeek ||
         g == Granularity::kMonth || g == Granularity::kQuarter || g == Granularity::kYear;
}

GroupSpec ParseGroupby(const Model& model, const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const std::string granularity = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (!IsWord(name) || (colon != std::string::npos && !IsWord(granularity))) {
    throw ValidationError("Invalid aggregate/groupby specification '" + spec + "'.");
  }
  GroupSpec group{spec, &FieldOf(model, name), Granularity::kNone, spec};
  const FieldType type = group.field->type();
  const bool dated = type == FieldType::kDate || type == FieldType::kDatetime;
  if (!granularity.empty() && !dated) {
    throw ValidationError("Granularity set on a no-datetime field or property: '" + spec + "'");
  }
  if (dated) {
    auto parsed = GranularityFromName(granularity.empty() ? "month" : granularity);
    if (!parsed) {
      throw ValidationError("Granularity specification isn't correct: '" + granularity + "'");
    }
    group.granularity = *parsed;
    group.annotated = name + ":" + std::string(GranularityName(*parsed));
  }
  if (type == FieldType::kOne2many || (!crud::HasColumn(*group.field) && type != FieldType::kMany2many) ||
      (type == FieldType::kMany2many && !group.field->def().store.value())) {
    throw ValidationError("Group by non-stored field: '" + spec + "'");
  }
  return group;
}

AggregateSpec ParseAggregate(const Model& model, const std::string& spec, const std::string& key) {
  if (spec == "__count") return {key, nullptr, ""};
  static const std::set<std::string, std::less<>> kFunctions = {
      "sum", "avg", "max", "min", "bool_and", "bool_or", "array_agg", "count", "count_distinct"};
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const Field& field = FieldOf(model, name);
  if (colon == std::string::npos) {
    throw ValidationError("Aggregate method is mandatory for '" + name + "'");
  }
  const std::string function = spec.substr(colon + 1);
  if (!kFunctions.count(function)) {
    throw ValidationError("Invalid aggregate method '" + function + "' for '" + spec + "'.");
  }
  if (!crud::HasColumn(field)) {
    throw ValidationError("Invalid field '" + name + "' on model '" + model.name() + "' for '" +
                          spec + "': it has no column.");
  }
  return {key, &field, function};
}

std::vector<AggregateSpec> ParseAggregates(const Model& model, const std::vector<std::string>& fields,
                                           const std::vector<GroupSpec>& groups, bool lazy) {
  std::vector<AggregateSpec> aggregates;
  const bool one_lazy = lazy && groups.size() == 1;
  aggregates.push_back({one_lazy ? groups[0].field->name() + "_count" : "__count", nullptr, ""});
  auto put = [&](AggregateSpec spec) {
    for (auto& existing : aggregates) {
      if (existing.key == spec.key) {
        existing = std::move(spec);
        return;
      }
    }
    aggregates.push_back(std::move(spec));
  };
  for (const std::string& spec : fields) {
    if (spec == "__count") continue;
    // Odoo's regex_field_agg: name[:func[(field)]].
    const auto colon = spec.find(':');
    const std::string name = spec.substr(0, colon);
    if (!IsWord(name)) throw ValidationError("Invalid field specification '" + spec + "'.");
    if (colon != std::string::npos) {
      std::string rest = spec.substr(colon + 1);
      const auto paren = rest.find('(');
      if (paren != std::string::npos) {
        if (rest.back() != ')') throw ValidationError("Invalid field specification '" + spec + "'.");
        const std::string field = rest.substr(paren + 1, rest.size() - paren - 2);
        put(ParseAggregate(model, field + ":" + rest.substr(0, paren), name));
      } else {
        put(ParseAggregate(model, name + ":" + rest, name));
      }
      continue;
    }
    const Field& field = FieldOf(model, name);
    const bool grouped = std::any_of(groups.begin(), groups.end(),
                                     [&](const GroupSpec& g) { return g.key == spec; });
    const FieldType type = field.type();
    if (!grouped && field.name() != "id" && crud::HasColumn(field) &&
        (type == FieldType::kInteger || type == FieldType::kFloat || type == FieldType::kMonetary)) {
      put({name, &field, "sum"});
    }
  }
  return aggregates;
}

std::vector<GroupOrderTerm> ParseOrderby(std::string_view orderby, const std::vector<GroupSpec>& groups,
                                         const std::vector<AggregateSpec>& aggregates) {
  std::vector<GroupOrderTerm> terms;
  if (std::all_of(orderby.begin(), orderby.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return terms;  // Odoo: orderby=False, the groupbys' order
  }
  std::size_t start = 0;
  while (start <= orderby.size()) {
    const std::size_t comma = orderby.find(',', start);
    std::string part(orderby.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                             : comma - start));
    start = comma == std::string_view::npos ? orderby.size() + 1 : comma + 1;
    std::vector<std::string> words;
    std::string word;
    for (char c : part + " ") {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!word.empty()) words.push_back(word);
        word.clear();
      } else {
        word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
    }
    auto bad = [&] {
      throw ValidationError("Invalid order '" + std::string(orderby) + "' for _read_group()");
    };
    if (words.empty() || words.size() > 4) bad();
    GroupOrderTerm term;
    term.term = words[0];
    std::size_t i = 1;
    if (i < words.size() && (words[i] == "asc" || words[i] == "desc")) term.descending = words[i++] == "desc";
    if (i + 1 < words.size() + 0 && words[i] == "nulls" && (words[i + 1] == "first" || words[i + 1] == "last")) {
      term.nulls = words[i + 1];
      i += 2;
    }
    if (i != words.size()) bad();
    // Odoo's rewrite: a groupby or aggregate key names its annotated spec.
    bool mapped = false;
    for (auto it = groups.rbegin(); it != groups.rend() && !mapped; ++it) {
      if (term.term == it->field->name() || term.term == it->key) {
        term.term = it->annotated;
        mapped = true;
      }
    }
    for (auto it = aggregates.begin(); it != aggregates.end() && !mapped; ++it) {
      if (term.term == it->key) {
        term.term = it->field == nullptr ? "__count" : it->field->name() + ":" + it->function;
        mapped = true;
      }
    }
    terms.push_back(std::move(term));
  }
  return terms;
}

std::string PeriodLabel(Granularity granularity, std::string_view start) {
  const Stamp stamp = ParseStamp(start);
  const int year = static_cast<int>(stamp.date.year());
  const unsigned month = static_cast<unsigned>(stamp.date.month());
  const unsigned day = static_cast<unsigned>(stamp.date.day());
  char buffer[64];
  switch (granularity) {
    case Granularity::kHour: {  // 'hh:00 dd MMM': a 12-hour clock
      const int hour12 = stamp.hour % 12 == 0 ? 12 : stamp.hour % 12;
      std::snprintf(buffer, sizeof buffer, "%02d:00 %02u %.3s", hour12, day, kMonths[month - 1]);
      return buffer;
    }
    case Granularity::kDay:  // 'dd MMM yyyy'
      std::snprintf(buffer, sizeof buffer, "%02u %.3s %04d", day, kMonths[month - 1], year);
      return buffer;
    case Granularity::kWeek: {  // f"W{week} {year:04}"
      const auto [week_year, week] = WeekNumber(stamp.date);
      std::snprintf(buffer, sizeof buffer, "W%d %04d", week, week_year);
      return buffer;
    }
    case Granularity::kMonth:  // 'MMMM yyyy'
      std::snprintf(buffer, sizeof buffer, "%s %04d", kMonths[month - 1], year);
      return buffer;
    case Granularity::kQuarter:  // 'QQQ yyyy'
      std::snprintf(buffer, sizeof buffer, "Q%u %04d", (month - 1) / 3 + 1, year);
      return buffer;
    case Granularity::kYear:
      std::snprintf(buffer, sizeof buffer, "%04d", year);
      return buffer;
    default:
      return std::string(start);
  }
}

std::string PeriodEnd(Granularity granularity, std::string_view start) {
  using namespace std::chrono;
  Stamp stamp = ParseStamp(start);
  switch (granularity) {
    case Granularity::kHour:
      if (++stamp.hour == 24) {
        stamp.hour = 0;
        stamp.date = year_month_day{sys_days{stamp.date} + days{1}};
      }
      break;
    case Granularity::kDay:
      stamp.date = year_month_day{sys_days{stamp.date} + days{1}};
      break;
    case Granularity::kWeek:
      stamp.date = year_month_day{sys_days{stamp.date} + days{7}};
      break;
    case Granularity::kMonth:
      stamp.date = stamp.date + months{1};
      break;
    case Granularity::kQuarter:
      stamp.date = stamp.date + months{3};
      break;
    case Granularity::kYear:
      stamp.date = stamp.date + years{1};
      break;
    default:
      break;
  }
  return Format(stamp);
}

Value AndDomains(const Value& a, const Value& b) {
  static const Value kTrue = Value::array({Value::array({1, "=", 1})});
  static const Value kFalse = Value::array({Value::array({0, "=", 1})});
  Value result = Value::array();
  int count = 0;
  for (const Value* domain : {&a, &b}) {
    if (*domain == kTrue) continue;
    if (*domain == kFalse) return kFalse;
    if (domain->is_array() && !domain->empty()) {
      for (const Value& item : NormalizeDomain(*domain)) result.push_back(item);
      ++count;
    }
  }
  for (int i = 1; i < count; ++i) result.insert(result.begin(), "&");
  return result.empty() ? kTrue : result;
}

}  // namespace citadel::orm::read_group
