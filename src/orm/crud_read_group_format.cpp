// read_group's result rows, as Odoo 18's read_group and
// _read_group_format_result shape them (crud_read_group.hpp).
#include <map>
#include <set>
#include <string>

#include "orm/crud_read_group.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm::read_group {
namespace {

Value AggregateValue(const AggregateSpec& aggregate, std::optional<std::string_view> text) {
  const std::string& f = aggregate.function;
  if (aggregate.field == nullptr || f == "count" || f == "count_distinct") {
    return text ? Value(std::stoll(std::string(*text))) : Value(0);
  }
  if (f == "array_agg") return text ? Value::parse(*text) : Value::array();
  if (!text) return false;
  if (f == "bool_and" || f == "bool_or") return *text == "t";
  if (f == "avg") return std::stod(std::string(*text));
  return crud::ColumnValue(*aggregate.field, text);
}

// id -> display name of the groups of a relational groupby, read in sudo
// (Odoo: value.sudo().display_name).
std::map<std::int64_t, Value> GroupNames(const Environment& env, const Field& field,
                                         const db::QueryResult& rows, int column) {
  std::set<std::int64_t> ids;
  for (int row = 0; row < rows.rows(); ++row) {
    if (auto text = rows.Get(row, column)) ids.insert(std::stoll(std::string(*text)));
  }
  std::map<std::int64_t, Value> names;
  if (ids.empty()) return names;
  const Environment sudo = env.Sudo();
  const Value read = RecordSet(sudo, *field.comodel(), {ids.begin(), ids.end()}).Read({"display_name"});
  for (const Value& record : read) names[record["id"].get<std::int64_t>()] = record["display_name"];
  return names;
}

// Local period bounds -> UTC, in one statement (Odoo: tz.localize(v).astimezone(utc)).
std::map<std::string, std::string> ToUtc(const Environment& env, const std::string& tz,
                                         const std::set<std::string>& locals) {
  std::map<std::string, std::string> utc;
  if (locals.empty()) return utc;
  const std::vector<std::string> values(locals.begin(), locals.end());
  auto result = env.connection().Execute(
      "SELECT u.local, to_char(timezone('UTC', timezone($1, u.local::timestamp)), "
      "'YYYY-MM-DD HH24:MI:SS') AS utc FROM unnest($2::text[]) AS u(local)",
      tz, crud_sql::TextArray(values));
  if (!result) throw DatabaseError(std::move(result.error()));
  for (int row = 0; row < result->rows(); ++row) utc[result->Text(row, "local")] = result->Text(row, "utc");
  return utc;
}

Value Term(const std::string& path, const char* op, Value value) {
  return Value::array({path, op, std::move(value)});
}

}  // namespace

Value FormatGroups(const Environment& env, const Model&, const db::QueryResult& rows,
                   const std::vector<GroupSpec>& groups, const std::vector<AggregateSpec>& aggregates,
                   const std::vector<std::string>& groupby, const Value& domain,
                   const std::optional<std::string>& tz) {
  const int n = static_cast<int>(groups.size());
  std::vector<std::map<std::int64_t, Value>> names(groups.size());
  std::set<std::string> locals;  // datetime period bounds to convert from tz
  for (int i = 0; i < n; ++i) {
    const Field& field = *groups[i].field;
    if (field.type() == FieldType::kMany2one || field.type() == FieldType::kMany2many) {
      names[i] = GroupNames(env, field, rows, i);
    }
    if (tz && field.type() == FieldType::kDatetime && IsPeriod(groups[i].granularity)) {
      for (int row = 0; row < rows.rows(); ++row) {
        if (auto text = rows.Get(row, i)) {
          const std::string start(text->substr(0, 19));
          locals.insert(start);
          locals.insert(PeriodEnd(groups[i].granularity, start));
        }
      }
    }
  }
  const std::map<std::string, std::string> utc = tz ? ToUtc(env, *tz, locals) : decltype(utc){};
  const Value client_domain = domain.is_array() ? domain : Value::array();

  Value out = Value::array();
  for (int r = 0; r < rows.rows(); ++r) {
    Value row = Value::object();
    Value range = Value::object();
    std::vector<Value> extra;
    for (int i = 0; i < n; ++i) {
      const GroupSpec& group = groups[i];
      const Field& field = *group.field;
      const std::string& name = field.name();
      const auto text = rows.Get(r, i);
      if (field.type() == FieldType::kMany2one || field.type() == FieldType::kMany2many) {
        if (!text) {
          row[group.key] = false;
          extra.push_back(field.type() == FieldType::kMany2many
                              ? Value::array({Term(name, "not any", Value::array())})
                              : Value::array({Term(name, "=", false)}));
        } else {
          const std::int64_t id = std::stoll(std::string(*text));
          row[group.key] = Value::array({id, names[i].count(id) ? names[i].at(id) : Value(false)});
          extra.push_back(Value::array({Term(name, "=", id)}));
        }
      } else if (IsPeriod(group.granularity)) {
        if (!text) {
          row[group.key] = false;
          range[group.key] = false;
          extra.push_back(Value::array({Term(name, "=", false)}));
        } else {
          const bool datetime = field.type() == FieldType::kDatetime;
          const std::string start(text->substr(0, datetime ? 19 : 10));
          std::string from = start, to = PeriodEnd(group.granularity, start);
          if (tz && datetime) {
            from = utc.count(from) ? utc.at(from) : from;
            to = utc.count(to) ? utc.at(to) : to;
          }
          row[group.key] = PeriodLabel(group.granularity, start);
          range[group.key] = Value{{"from", from}, {"to", to}};
          extra.push_back(Value::array({"&", Term(name, ">=", from), Term(name, "<", to)}));
        }
      } else if (group.granularity != Granularity::kNone) {
        const Value value = text ? Value(std::stoll(std::string(*text))) : Value(false);
        row[group.key] = value;
        extra.push_back(Value::array({Term(name + "." + std::string(GranularityName(group.granularity)), "=", value)}));
      } else {
        const Value value = text ? crud::ColumnValue(field, text) : Value(false);
        row[group.key] = value;
        extra.push_back(Value::array({Term(name, "=", value)}));
      }
    }
    for (std::size_t j = 0; j < aggregates.size(); ++j) {
      row[aggregates[j].key] = AggregateValue(aggregates[j], rows.Get(r, n + static_cast<int>(j)));
    }
    Value group_domain = client_domain;
    for (const Value& more : extra) group_domain = AndDomains(group_domain, more);
    row["__domain"] = std::move(group_domain);
    if (groups.size() < groupby.size()) {
      Value rest = Value::array();
      for (std::size_t k = groups.size(); k < groupby.size(); ++k) rest.push_back(groupby[k]);
      row["__context"] = Value{{"group_by", std::move(rest)}};
    }
    if (!range.empty()) row["__range"] = std::move(range);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace citadel::orm::read_group
