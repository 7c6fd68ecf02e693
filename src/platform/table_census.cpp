#include "platform/table_census.hpp"

#include <nlohmann/json.hpp>

#include "db/composed_sql.hpp"
#include "db/identifier.hpp"

namespace citadel::platform {
namespace {

// Every table of the non-system schemas, and whether "typed" can count it:
// the types its columns reach (through arrays, domains, ranges, multiranges
// and composites) are all containers or allow-listed base types, with no
// nondeterministic collation on the way. The allow-list names types whose
// hash is a function of the value alone; an enum hashes its OID, which a
// restore renumbers, and json, point, xml, money, bit have no hash at all.
constexpr db::SqlText kTables = R"SQL(
WITH RECURSIVE tables AS (
  SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_%'
), reached (rel, typ, coll) AS (
  SELECT a.attrelid, a.atttypid, a.attcollation FROM pg_attribute a JOIN tables t ON t.oid = a.attrelid
  WHERE a.attnum > 0 AND NOT a.attisdropped
  UNION
  SELECT r.rel, inner_type.typ, inner_type.coll FROM reached r JOIN pg_type ty ON ty.oid = r.typ
  CROSS JOIN LATERAL (
    SELECT ty.typelem, 0::oid WHERE ty.typsubscript = 'array_subscript_handler'::regproc
    UNION ALL SELECT ty.typbasetype, ty.typcollation WHERE ty.typtype = 'd'
    UNION ALL SELECT g.rngsubtype, g.rngcollation FROM pg_range g WHERE g.rngtypid = ty.oid
    UNION ALL SELECT g.rngtypid, 0::oid FROM pg_range g WHERE g.rngmultitypid = ty.oid
    UNION ALL SELECT a.atttypid, a.attcollation FROM pg_attribute a
      WHERE ty.typtype = 'c' AND a.attrelid = ty.typrelid AND a.attnum > 0 AND NOT a.attisdropped
  ) AS inner_type (typ, coll)
)
SELECT t.nspname AS schema, t.relname AS name, NOT EXISTS (
  SELECT 1 FROM reached r JOIN pg_type ty ON ty.oid = r.typ LEFT JOIN pg_collation co ON co.oid = r.coll
  WHERE r.rel = t.oid AND (NOT coalesce(co.collisdeterministic, true) OR NOT (
    ty.typsubscript = 'array_subscript_handler'::regproc OR ty.typtype IN ('d', 'c', 'r', 'm') OR
    ty.oid = ANY ('{bool,"char",name,int2,int4,int8,float4,float8,numeric,text,varchar,bpchar,bytea,date,time,
                   timetz,timestamp,timestamptz,interval,uuid,jsonb,inet,cidr,macaddr,macaddr8,pg_lsn}'::regtype[])))
) AS typed
FROM tables t ORDER BY 1, 2)SQL";

// The tally's SELECT list for `algorithm`, over the table aliased t (n, s1
// and, for the legacy form, s2); null for an algorithm this Citadel does not
// know. The current forms evaluate one hash per row: a second seed doubled
// the cost (the row is formed or rendered again) for a margin against
// accidents already at 2^-64.
const db::SqlText* TallyColumns(const std::string& algorithm) {
  static constexpr db::SqlText kTyped =
      "SELECT count(*) AS n, coalesce(sum(hash_record_extended(t.*, 0)), 0) AS s1 FROM ";
  static constexpr db::SqlText kRowText =
      "SELECT count(*) AS n, coalesce(sum(hashtextextended(ROW(t.*)::text, 0)), 0) AS s1 FROM ";
  static constexpr db::SqlText kLegacyText =
      "SELECT count(*) AS n, coalesce(sum(hashtextextended(t::text, 0)), 0) AS s1, "
      "coalesce(sum(hashtextextended(t::text, 1)), 0) AS s2 FROM ";
  if (algorithm == kCensusTyped) return &kTyped;
  if (algorithm == kCensusRowText) return &kRowText;
  if (algorithm == kCensusLegacyText) return &kLegacyText;
  return nullptr;
}

}  // namespace

core::Result<void> PrepareCensusSession(db::Connection& connection) {
  auto set = connection.Execute(
      "SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), "
      "set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true), "
      "set_config('bytea_output', 'hex', true)");
  if (!set) return core::Unexpected(set.error());
  return {};
}

core::Result<TableCensus> TakeTableCensus(db::Connection& connection, const TableCensus* like) {
  auto tables = connection.Execute(kTables);
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
    const std::string key = schema_name + "." + table_name;
    std::string algorithm = tables->Text(row, "typed") == "t" ? kCensusTyped : kCensusRowText;
    if (like != nullptr) {
      if (auto recorded = like->find(key); recorded != like->end()) algorithm = recorded->second.algorithm;
    }
    const db::SqlText* columns = TallyColumns(algorithm);
    if (columns == nullptr) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "table " + key + " was counted with census algorithm \"" + algorithm +
                            "\", which this Citadel does not know (written by a newer version?)");
    }
    db::ComposedSql count(*columns);
    count.Name(*schema).Sql(".").Name(*table).Sql(" AS t");
    auto tally = connection.ExecuteComposed(count);
    if (!tally) return core::Unexpected(tally.error());
    std::string checksum = tally->Text(0, "s1", "0");
    if (algorithm == kCensusLegacyText) checksum += "-" + tally->Text(0, "s2", "0");
    census[key] = TableTally{std::stoull(tally->Text(0, "n", "0")), std::move(checksum), algorithm};
  }
  return census;
}

nlohmann::json CensusToJson(const TableCensus& census) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [table, tally] : census) {
    json[table] = {{"rows", tally.rows}, {"checksum", tally.checksum}, {"algorithm", tally.algorithm}};
  }
  return json;
}

core::Result<TableCensus> CensusFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return core::Fail(core::ErrorCode::kInvalidArgument, "the manifest's tables are not an object");
  TableCensus census;
  for (const auto& [table, tally] : json.items()) {
    if (!tally.is_object() || !tally.contains("rows") || !tally["rows"].is_number_unsigned() ||
        !tally.contains("checksum") || !tally["checksum"].is_string() ||
        (tally.contains("algorithm") && !tally["algorithm"].is_string())) {
      return core::Fail(core::ErrorCode::kInvalidArgument, "the manifest's entry for " + table + " is malformed");
    }
    std::string algorithm = tally.value("algorithm", std::string(kCensusLegacyText));
    if (TallyColumns(algorithm) == nullptr) {
      return core::Fail(core::ErrorCode::kInvalidArgument, "the manifest counts " + table + " with census algorithm \"" +
                                                               algorithm + "\", which this Citadel does not know");
    }
    census[table] =
        TableTally{tally["rows"].get<std::uint64_t>(), tally["checksum"].get<std::string>(), std::move(algorithm)};
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
    } else if (found->second.algorithm != tally.algorithm) {
      out += table + ": counted with census algorithm " + found->second.algorithm + ", the backup with " +
             tally.algorithm + "\n";
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
