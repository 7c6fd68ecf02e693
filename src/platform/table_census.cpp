#include "platform/table_census.hpp"

#include <nlohmann/json.hpp>

#include "db/composed_sql.hpp"
#include "db/identifier.hpp"

namespace citadel::platform {

core::Result<void> PrepareCensusSession(db::Connection& connection) {
  auto set = connection.Execute(
      "SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), "
      "set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true), "
      "set_config('bytea_output', 'hex', true)");
  if (!set) return core::Unexpected(set.error());
  return {};
}

core::Result<TableCensus> TakeTableCensus(db::Connection& connection) {
  auto tables = connection.Execute(
      "SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = "
      "c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
      "'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2");
  if (!tables) return core::Unexpected(tables.error());
  TableCensus census;
  for (int row = 0; row < tables->rows(); ++row) {
    std::string schema_name = tables->Text(row, "schema");
    std::string table_name = tables->Text(row, "name");
    auto schema = db::Identifier::Make(schema_name);
    auto table = db::Identifier::Make(table_name);
    if (!schema || !table) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "table " + schema_name + "." + table_name + " has a name the census does not take");
    }
    db::ComposedSql count(
        "SELECT count(*) AS n, coalesce(sum(hashtextextended(t::text, 0)), 0) AS s1, "
        "coalesce(sum(hashtextextended(t::text, 1)), 0) AS s2 FROM ");
    count.Name(*schema).Sql(".").Name(*table).Sql(" AS t");
    auto tally = connection.ExecuteComposed(count);
    if (!tally) return core::Unexpected(tally.error());
    census[schema_name + "." + table_name] =
        TableTally{std::stoull(tally->Text(0, "n", "0")), tally->Text(0, "s1", "0") + "-" + tally->Text(0, "s2", "0")};
  }
  return census;
}

nlohmann::json CensusToJson(const TableCensus& census) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [table, tally] : census) json[table] = {{"rows", tally.rows}, {"checksum", tally.checksum}};
  return json;
}

core::Result<TableCensus> CensusFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return core::Fail(core::ErrorCode::kInvalidArgument, "the manifest's tables are not an object");
  TableCensus census;
  for (const auto& [table, tally] : json.items()) {
    if (!tally.is_object() || !tally.contains("rows") || !tally["rows"].is_number_unsigned() ||
        !tally.contains("checksum") || !tally["checksum"].is_string()) {
      return core::Fail(core::ErrorCode::kInvalidArgument, "the manifest's entry for " + table + " is malformed");
    }
    census[table] = TableTally{tally["rows"].get<std::uint64_t>(), tally["checksum"].get<std::string>()};
  }
  return census;
}

std::string DescribeCensusDifferences(const TableCensus& expected, const TableCensus& actual) {
  std::string out;
  for (const auto& [table, tally] : expected) {
    auto found = actual.find(table);
    if (found == actual.end()) {
      out += table + ": missing after restore\n";
    } else if (found->second.rows != tally.rows) {
      out += table + ": " + std::to_string(found->second.rows) + " rows, the backup had " + std::to_string(tally.rows) +
             "\n";
    } else if (found->second.checksum != tally.checksum) {
      out += table + ": same row count, different content\n";
    }
  }
  for (const auto& [table, tally] : actual) {
    if (!expected.contains(table)) out += table + ": not in the backup\n";
  }
  return out;
}

}  // namespace citadel::platform
