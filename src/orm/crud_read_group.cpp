// RecordSet::ReadGroup: Odoo 18's read_group over _read_group. One SELECT
// with GROUP BY (by position, so that a bound time zone appears once), the
// client's domain AND the read rules as in Search, many2many groups through a
// LEFT JOIN on the link table limited to readable comodel rows, then the
// groups formatted as Odoo's _read_group_format_result (crud_read_group.hpp).
// Every identifier comes from the registry; the aggregate functions and date
// granularities from fixed lists; values (the time zone) are bound.
#include <map>
#include <set>
#include <string>

#include "orm/access_guard.hpp"
#include "orm/crud_read_group.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/domain_compiler.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

using read_group::AggregateSpec;
using read_group::Granularity;
using read_group::GroupSpec;

// The context's tz when PostgreSQL knows it (Odoo: pytz.all_timezones_set).
std::optional<std::string> TimeZone(const Environment& env) {
  auto it = env.context().find("tz");
  if (it == env.context().end() || !it->is_string()) return std::nullopt;
  const std::string tz = it->get<std::string>();
  if (tz.empty() || tz.size() > 64) return std::nullopt;
  auto known = env.connection().Execute(
      "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS known", tz);
  if (!known) throw DatabaseError(std::move(known.error()));
  if (known->Text(0, "known") != "t") return std::nullopt;
  return tz;
}

db::SqlText TruncUnit(Granularity g) {
  switch (g) {
    case Granularity::kHour: return "'hour'";
    case Granularity::kDay: return "'day'";
    case Granularity::kMonth: return "'month'";
    case Granularity::kQuarter: return "'quarter'";
    default: return "'year'";
  }
}

db::SqlText DatePart(Granularity g) {
  switch (g) {
    case Granularity::kYearNumber: return "'year'";
    case Granularity::kQuarterNumber: return "'quarter'";
    case Granularity::kMonthNumber: return "'month'";
    case Granularity::kIsoWeekNumber: return "'week'";
    case Granularity::kDayOfYear: return "'doy'";
    case Granularity::kDayOfMonth: return "'day'";
    case Granularity::kDayOfWeek: return "'dow'";
    case Granularity::kHourNumber: return "'hour'";
    case Granularity::kMinuteNumber: return "'minute'";
    default: return "'second'";
  }
}

struct Query {
  db::ComposedSql select;  // the group expressions then the aggregates
  db::ComposedSql joins;
  int joins_made = 0;
};

db::ComposedSql GroupExpression(const Environment& env, const GroupSpec& group,
                                const std::optional<std::string>& tz, Query& query) {
  const db::Identifier& alias = crud_sql::RootAlias();
  const Field& field = *group.field;
  db::ComposedSql column;
  if (field.type() == FieldType::kMany2many) {
    // LEFT JOIN link AS rgN ON t0.id = rgN.column1 AND rgN.column2 IN (readable comodel ids)
    static const char* const kAliases[] = {"rg0", "rg1", "rg2", "rg3", "rg4"};
    const db::Identifier link = crud_sql::Name(kAliases[query.joins_made]);
    const db::Identifier co = crud_sql::Name(std::string(kAliases[query.joins_made]) + "c");
    ++query.joins_made;
    query.joins.Sql(" LEFT JOIN ")
        .Name(crud_sql::Name(field.def().relation))
        .Sql(" AS ")
        .Name(link)
        .Sql(" ON ")
        .Qualified(alias, crud_sql::Name("id"))
        .Sql(" = ")
        .Qualified(link, crud_sql::Name(field.def().column1));
    if (auto rule = AccessGuard::RuleDomain(env, *field.comodel(), Operation::kRead)) {
      query.joins.Sql(" AND ")
          .Qualified(link, crud_sql::Name(field.def().column2))
          .Sql(" IN (SELECT ")
          .Qualified(co, crud_sql::Name("id"))
          .Sql(" FROM ")
          .Name(crud_sql::Name(field.comodel()->table()))
          .Sql(" AS ")
          .Name(co)
          .Sql(" WHERE ")
          .Append(CompileDomain(*rule, co, {.active_test = false}))
          .Sql(")");
    }
    column.Qualified(link, crud_sql::Name(field.def().column2));
    return column;
  }
  column.Qualified(alias, crud_sql::Name(field.column()));
  if (field.type() == FieldType::kBoolean) {
    db::ComposedSql sql("COALESCE(");
    return sql.Append(column).Sql(", FALSE)");
  }
  if (group.granularity == Granularity::kNone) return column;
  db::ComposedSql value;
  if (field.type() == FieldType::kDatetime && tz) {
    value.Sql("timezone(").Value(*tz).Sql(", timezone('UTC', ").Append(column).Sql("))");
  } else {
    value = column;
  }
  const bool date = field.type() == FieldType::kDate;
  db::ComposedSql sql;
  if (group.granularity == Granularity::kWeek) {
    // en_US weeks start on Sunday: Odoo's days_offset of 1.
    sql.Sql("(date_trunc('week', ").Append(value).Sql("::timestamp - INTERVAL '-1 DAY') + INTERVAL '-1 DAY')");
  } else if (read_group::IsPeriod(group.granularity)) {
    sql.Sql("date_trunc(").Sql(TruncUnit(group.granularity)).Sql(", ").Append(value).Sql("::timestamp)");
  } else {
    sql.Sql("date_part(").Sql(DatePart(group.granularity)).Sql(", ").Append(value).Sql(")::int");
    return sql;
  }
  if (date) sql.Sql("::date");
  return sql;
}

// An aggregate expression: no parameters, so it may be repeated in ORDER BY.
db::ComposedSql AggregateExpression(const AggregateSpec& aggregate) {
  if (aggregate.field == nullptr) return db::ComposedSql("COUNT(*)");
  db::ComposedSql column;
  column.Qualified(crud_sql::RootAlias(), crud_sql::Name(aggregate.field->column()));
  const std::string& f = aggregate.function;
  db::ComposedSql sql;
  if (f == "sum") sql.Sql("SUM(");
  else if (f == "avg") sql.Sql("AVG(");
  else if (f == "max") sql.Sql("MAX(");
  else if (f == "min") sql.Sql("MIN(");
  else if (f == "bool_and") sql.Sql("BOOL_AND(");
  else if (f == "bool_or") sql.Sql("BOOL_OR(");
  else if (f == "count") sql.Sql("COUNT(");
  else if (f == "count_distinct") sql.Sql("COUNT(DISTINCT ");
  else if (f == "array_agg") {
    sql.Sql("to_json(ARRAY_AGG(").Append(column).Sql(" ORDER BY ");
    return sql.Qualified(crud_sql::RootAlias(), crud_sql::Name("id")).Sql("))");
  } else {
    throw std::logic_error("aggregate function not in the fixed list");
  }
  return sql.Append(column).Sql(")");
}

}  // namespace


Value RecordSet::ReadGroup(const Value& domain, const std::vector<std::string>& fields,
                           const std::vector<std::string>& groupby, std::int64_t offset,
                           std::optional<std::int64_t> limit, std::string_view orderby,
                           bool lazy) const {
  const Environment& env = *env_;
  const Model& model = *model_;
  AccessGuard::CheckModel(env, model, Operation::kRead);
  if (offset < 0 || (limit && *limit < 0)) throw ValidationError("Offset and limit must not be negative.");
  if (groupby.size() > read_group::kMaxGroupbyLevels) {
    throw ValidationError("read_group takes at most 5 groupby levels.");
  }
  std::vector<GroupSpec> groups;
  const std::size_t grouped = lazy ? std::min<std::size_t>(groupby.size(), 1) : groupby.size();
  for (std::size_t i = 0; i < groupby.size(); ++i) {
    GroupSpec group = read_group::ParseGroupby(model, groupby[i]);  // all are checked
    if (i < grouped) groups.push_back(std::move(group));
  }
  const std::vector<AggregateSpec> aggregates = read_group::ParseAggregates(model, fields, groups, lazy);
  const std::vector<read_group::GroupOrderTerm> order =
      read_group::ParseOrderby(orderby, groups, aggregates);
  // Odoo's _read_group checks every field it reads (groups, write-only).
  std::vector<const Field*> used;
  for (const auto& g : groups) used.push_back(g.field);
  for (const auto& a : aggregates) {
    if (a.field != nullptr) used.push_back(a.field);
  }
  AccessGuard::CheckFields(env, model, used, Operation::kRead);
  const std::optional<std::string> tz = TimeZone(env);

  Query query;
  db::ComposedSql sql("SELECT ");
  std::map<std::string, int> position;  // annotated group spec -> select position
  for (std::size_t i = 0; i < groups.size(); ++i) {
    sql.Append(GroupExpression(env, groups[i], tz, query)).Sql(", ");
    position.emplace(groups[i].annotated, static_cast<int>(i) + 1);
  }
  for (std::size_t i = 0; i < aggregates.size(); ++i) {
    if (i > 0) sql.Sql(", ");
    sql.Append(AggregateExpression(aggregates[i]));
  }
  const db::Identifier& alias = crud_sql::RootAlias();
  const Domain parsed = Domain::Parse(model, WithActiveTest(domain, model, env.active_test()));
  AccessGuard::CheckDomainFields(env, parsed);
  sql.Sql(" FROM ").Name(crud_sql::Name(model.table())).Sql(" AS ").Name(alias).Append(query.joins);
  sql.Sql(" WHERE (").Append(CompileDomain(parsed, alias, AccessGuard::ReadCompileOptions(env))).Sql(")");
  if (auto rule = AccessGuard::RuleDomain(env, model, Operation::kRead)) {
    sql.Sql(" AND (").Append(CompileDomain(*rule, alias, {.active_test = false})).Sql(")");
  }
  if (!groups.empty()) {
    sql.Sql(" GROUP BY ");
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (i > 0) sql.Sql(", ");
      sql.Integer(static_cast<std::int64_t>(i) + 1);
    }
    sql.Sql(" ORDER BY ");
    bool first = true;
    auto direction = [&](const read_group::GroupOrderTerm& term, bool flip = false) {
      if (term.descending != flip) {
        sql.Sql(" DESC");
      } else {
        sql.Sql(" ASC");
      }
      if (term.nulls == "first") sql.Sql(" NULLS FIRST");
      if (term.nulls == "last") sql.Sql(" NULLS LAST");
    };
    std::vector<read_group::GroupOrderTerm> terms = order;
    const bool explicit_order = !terms.empty();
    if (!explicit_order) {
      for (const auto& g : groups) terms.push_back({g.annotated, false, ""});
    }
    for (const auto& term : terms) {
      if (!first) sql.Sql(", ");
      first = false;
      auto at = position.find(term.term);
      if (at == position.end()) {
        const std::string key = term.term;
        try {
          sql.Append(AggregateExpression(read_group::ParseAggregate(model, key, key)));
        } catch (const ValidationError&) {
          throw ValidationError("Order term '" + key + "' is not a valid aggregate nor valid groupby");
        }
        direction(term);
        continue;
      }
      const GroupSpec& g = groups[at->second - 1];
      const Model* comodel = g.field->comodel();
      if (explicit_order && g.field->type() == FieldType::kMany2one && comodel &&
          !(comodel->default_order().size() == 1 && comodel->default_order()[0].field->name() == "id")) {
        // Odoo orders a many2one group by its comodel's _order.
        const db::Identifier o = crud_sql::Name("rgo");
        bool inner_first = true;
        for (const auto& co_term : comodel->default_order()) {
          if (!inner_first) sql.Sql(", ");
          inner_first = false;
          sql.Sql("(SELECT ");
          sql.Qualified(o, crud_sql::Name(co_term.field->column()))
              .Sql(" FROM ")
              .Name(crud_sql::Name(comodel->table()))
              .Sql(" AS ")
              .Name(o)
              .Sql(" WHERE ")
              .Qualified(o, crud_sql::Name("id"))
              .Sql(" = ")
              .Qualified(alias, crud_sql::Name(g.field->column()))
              .Sql(")");
          direction(term, co_term.descending);
        }
        continue;
      }
      sql.Integer(at->second);
      direction(term);
    }
  }
  const std::int64_t cap = limit ? *limit : read_group::kMaxGroups + 1;
  sql.Sql(" LIMIT ").Value(db::ToParam(cap));
  if (offset > 0) sql.Sql(" OFFSET ").Value(db::ToParam(offset));
  db::QueryResult rows = env.Execute(sql);
  if (!limit && rows.rows() > read_group::kMaxGroups) {
    throw UserError("Too many groups: read_group returns at most 100000 groups at once; give a limit.");
  }
  return read_group::FormatGroups(env, model, rows, groups, aggregates, groupby, domain, tz);
}

}  // namespace citadel::orm
