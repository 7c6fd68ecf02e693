#include "platform/table_census.hpp"

#include <algorithm>
#include <atomic>
#include <future>
#include <optional>

#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include "db/composed_sql.hpp"
#include "db/conninfo.hpp"
#include "db/identifier.hpp"
#include "db/utility_statement.hpp"

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
  SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
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
SELECT t.nspname AS schema, t.relname AS name, t.relkind AS kind,
  EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    AS extension_member,
  pg_relation_size(t.oid) / current_setting('block_size')::int8 AS pages,
  array_to_json(ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0
    AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum))::text AS copy_columns,
  NOT EXISTS (
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

// A table the restored side counts as "copy-text".
struct CopyTable {
  std::string key;
  db::Identifier schema;
  db::Identifier table;
  std::vector<std::string> columns;          // the dump's COPY column list
  std::vector<std::string> present_columns;  // the restored table's default COPY columns
  std::int64_t pages = 0;
};

// One COPY ... TO STDOUT and its tally.
struct CopyJob {
  std::size_t table = 0;
  db::ComposedSql statement;
  std::int64_t pages = 0;
  std::uint64_t rows = 0;
  std::uint64_t sum = 0;
};

// What pg_dump's session renders COPY text with: it sets DateStyle ISO,
// IntervalStyle postgres and extra_float_digits 3 itself; TimeZone and
// bytea_output it leaves to the server, so the backup pins them
// (CopyCensusDumpDsn), and pg_dump is given --encoding=UTF8.
constexpr db::SqlText kCopySettings =
    "SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO', true), "
    "set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '3', true), "
    "set_config('bytea_output', 'hex', true), set_config('client_encoding', 'UTF8', true)";

// A table of at least this many pages is copied out in two ctid ranges (TID
// range scans, PostgreSQL 14+), one per connection.
constexpr std::int64_t kSplitPages = 1024;

core::Result<void> RunCopy(db::Connection& connection, CopyJob& job) {
  PGconn* conn = connection.native_handle();
  const std::string text = job.statement.Text();
  PGresult* started = PQexecParams(conn, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  const bool copying = PQresultStatus(started) == PGRES_COPY_OUT;
  std::string failure = copying ? "" : PQresultErrorMessage(started);
  PQclear(started);
  if (!copying) {
    return core::Fail(core::ErrorCode::kUnavailable, "the census could not copy a table out: " + failure);
  }
  char* buffer = nullptr;
  int length = 0;
  while ((length = PQgetCopyData(conn, &buffer, 0)) > 0) {
    // One row per call, with its newline.
    std::size_t line = static_cast<std::size_t>(length);
    if (buffer[line - 1] == '\n') --line;
    job.sum += backup::CopyLineHash(std::string_view(buffer, line));
    ++job.rows;
    PQfreemem(buffer);
  }
  if (length == -2) failure = PQerrorMessage(conn);
  while (PGresult* result = PQgetResult(conn)) {
    if (PQresultStatus(result) != PGRES_COMMAND_OK && failure.empty()) failure = PQresultErrorMessage(result);
    PQclear(result);
  }
  if (!failure.empty()) {
    return core::Fail(core::ErrorCode::kUnavailable, "the census could not copy a table out: " + failure);
  }
  return {};
}

// The COPY statements of `copy`: the whole table, or two ctid ranges when it
// is big and a second connection takes one.
core::Result<void> PlanCopy(const CopyTable& copy, std::size_t index, bool split, std::vector<CopyJob>& jobs) {
  std::vector<db::Identifier> names;
  bool nameable = true;
  for (const auto& column : copy.columns) {
    auto name = db::Identifier::Make(column);
    if (!name) {
      nameable = false;
      break;
    }
    names.push_back(std::move(*name));
  }
  auto select_list = [&](db::ComposedSql& sql) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) sql.Sql(", ");
      sql.Name(names[i]);
    }
  };
  if (split && nameable && !names.empty() && copy.pages >= kSplitPages) {
    const std::int64_t middle = copy.pages / 2;
    for (int half = 0; half < 2; ++half) {
      db::ComposedSql sql("COPY (SELECT ");
      select_list(sql);
      // ONLY: COPY of a table leaves out its inheritance children, a SELECT would not.
      sql.Sql(" FROM ONLY ").Name(copy.schema).Sql(".").Name(copy.table);
      if (half == 0) {
        sql.Sql(" WHERE ctid < '(");
      } else {
        sql.Sql(" WHERE ctid >= '(");
      }
      sql.Integer(middle).Sql(",0)'::tid) TO STDOUT");
      jobs.push_back(CopyJob{index, std::move(sql), half == 0 ? middle : copy.pages - middle});
    }
    return {};
  }
  db::ComposedSql sql("COPY ");
  sql.Name(copy.schema).Sql(".").Name(copy.table);
  // The restored table's own default list is the dump's when columns kept
  // their order (always, but for a partition attached with another order):
  // then no name needs composing.
  if (copy.columns != copy.present_columns) {
    if (!nameable) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "table " + copy.key + " has a column name the census does not take");
    }
    sql.Sql(" (");
    select_list(sql);
    sql.Sql(")");
  }
  sql.Sql(" TO STDOUT");
  jobs.push_back(CopyJob{index, std::move(sql), copy.pages});
  return {};
}

// A second connection in the snapshot of `connection`'s transaction.
core::Result<db::Connection> OpenInSnapshot(db::Connection& connection, const std::string& dsn) {
  auto exported = connection.Execute("SELECT pg_export_snapshot() AS snapshot");
  if (!exported) return core::Unexpected(exported.error());
  auto other = db::Connection::Open(dsn);
  if (!other) return core::Unexpected(other.error());
  if (auto begun = other->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) {
    return core::Unexpected(begun.error());
  }
  db::UtilityStatementBuilder import(*other);
  import.Sql("SET TRANSACTION SNAPSHOT ").SnapshotName(exported->Text(0, "snapshot"));
  auto statement = import.Build();
  if (!statement) return core::Unexpected(statement.error());
  if (auto imported = other->ExecuteUtility(*statement); !imported) return core::Unexpected(imported.error());
  return std::move(*other);
}

// Copies every "copy-text" table out, over `connection` and, with a DSN, a
// second connection in the same snapshot (the biggest jobs first, each
// worker taking the next), and adds their tallies to `census`.
core::Result<void> CountCopies(db::Connection& connection, const std::vector<CopyTable>& copies,
                               const std::string& split_dsn, TableCensus& census) {
  std::int64_t total_pages = 0;
  for (const auto& copy : copies) total_pages += copy.pages;
  std::optional<db::Connection> second;
  if (!split_dsn.empty() && total_pages >= kSplitPages) {
    auto opened = OpenInSnapshot(connection, split_dsn);
    if (!opened) return core::Unexpected(opened.error());
    second.emplace(std::move(*opened));
  }
  std::vector<CopyJob> jobs;
  for (std::size_t i = 0; i < copies.size(); ++i) {
    if (auto planned = PlanCopy(copies[i], i, second.has_value(), jobs); !planned) return planned;
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const CopyJob& a, const CopyJob& b) { return a.pages > b.pages; });
  std::atomic<std::size_t> next{0};
  auto work = [&](db::Connection& on) -> core::Result<void> {
    if (auto set = on.Execute(kCopySettings); !set) return core::Unexpected(set.error());
    for (std::size_t job = next++; job < jobs.size(); job = next++) {
      if (auto ran = RunCopy(on, jobs[job]); !ran) {
        next = jobs.size();  // the other worker stops after its current job
        return ran;
      }
    }
    return {};
  };
  std::future<core::Result<void>> other;
  if (second) other = std::async(std::launch::async, [&] { return work(*second); });
  auto mine = work(connection);
  if (second) {
    auto theirs = other.get();
    (void)second->Execute("ROLLBACK");
    if (!theirs) return theirs;
  }
  if (!mine) return mine;
  for (const auto& copy : copies) census[copy.key] = TableTally{0, {}, kCensusCopyText, copy.columns};
  std::map<std::size_t, std::uint64_t> sums;
  for (const auto& job : jobs) {
    census[copies[job.table].key].rows += job.rows;
    sums[job.table] += job.sum;
  }
  for (std::size_t i = 0; i < copies.size(); ++i) census[copies[i].key].checksum = std::to_string(sums[i]);
  return {};
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

core::Result<TableCensus> TakeTableCensus(db::Connection& connection, const TableCensus* like,
                                          const std::string& split_dsn) {
  auto tables = connection.Execute(kTables);
  if (!tables) return core::Unexpected(tables.error());
  TableCensus census;
  std::vector<CopyTable> copies;
  for (int row = 0; row < tables->rows(); ++row) {
    std::string schema_name = tables->Text(row, "schema");
    std::string table_name = tables->Text(row, "name");
    const std::string key = schema_name + "." + table_name;
    const TableTally* recorded = nullptr;
    if (like != nullptr) {
      if (auto found = like->find(key); found != like->end()) recorded = &found->second;
      // pg_dump dumps no rows of a partitioned table (its partitions hold
      // them) nor an extension's tables; a census from the dump lists neither.
      if (recorded == nullptr &&
          (tables->Text(row, "kind") == "p" || tables->Text(row, "extension_member") == "t")) {
        continue;
      }
    }
    auto schema = db::Identifier::Make(schema_name);
    auto table = db::Identifier::Make(table_name);
    if (!schema || !table) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "table " + schema_name + "." + table_name + " has a name the census does not take");
    }
    std::string algorithm = tables->Text(row, "typed") == "t" ? kCensusTyped : kCensusRowText;
    if (recorded != nullptr) algorithm = recorded->algorithm;
    if (algorithm == kCensusCopyText) {
      auto present = nlohmann::json::parse(tables->Text(row, "copy_columns"), nullptr, false);
      CopyTable copy{key, *schema, *table, recorded->columns, {}, std::stoll(tables->Text(row, "pages", "0"))};
      if (present.is_array()) {
        for (const auto& column : present) copy.present_columns.push_back(column.get<std::string>());
      }
      copies.push_back(std::move(copy));
      continue;
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
    census[key] = TableTally{std::stoull(tally->Text(0, "n", "0")), std::move(checksum), algorithm, {}};
  }
  if (!copies.empty()) {
    auto counted = CountCopies(connection, copies, split_dsn, census);
    if (!counted) return core::Unexpected(counted.error());
  }
  return census;
}

core::Result<TableCensus> CensusFromDump(const std::map<std::string, backup::DumpTableTally>& tallies) {
  TableCensus census;
  for (const auto& [key, tally] : tallies) {
    if (!db::Identifier::Make(tally.schema) || !db::Identifier::Make(tally.table)) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "table " + key + " has a name the census does not take");
    }
    census[key] = TableTally{tally.rows, std::to_string(tally.sum), kCensusCopyText, tally.columns};
  }
  return census;
}

core::Result<std::string> CopyCensusDumpDsn(const std::string& dsn) {
  auto info = db::ParseConnInfo(dsn);
  if (!info) return core::Unexpected(info.error());
  std::string options;
  for (const auto& [key, value] : *info) {
    if (key == "options") options = value + " ";
  }
  db::SetConnOption(*info, "options", options + "-c TimeZone=UTC -c bytea_output=hex");
  return db::FormatConnInfo(*info);
}

nlohmann::json CensusToJson(const TableCensus& census) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [table, tally] : census) {
    json[table] = {{"rows", tally.rows}, {"checksum", tally.checksum}, {"algorithm", tally.algorithm}};
    if (tally.algorithm == kCensusCopyText) json[table]["columns"] = tally.columns;
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
    std::vector<std::string> columns;
    if (algorithm == kCensusCopyText) {
      if (!tally.contains("columns") || !tally["columns"].is_array()) {
        return core::Fail(core::ErrorCode::kInvalidArgument, "the manifest's entry for " + table + " has no columns");
      }
      for (const auto& column : tally["columns"]) {
        if (!column.is_string()) {
          return core::Fail(core::ErrorCode::kInvalidArgument, "the manifest's entry for " + table + " is malformed");
        }
        columns.push_back(column.get<std::string>());
      }
    } else if (TallyColumns(algorithm) == nullptr) {
      return core::Fail(core::ErrorCode::kInvalidArgument, "the manifest counts " + table + " with census algorithm \"" +
                                                               algorithm + "\", which this Citadel does not know");
    }
    census[table] = TableTally{tally["rows"].get<std::uint64_t>(), tally["checksum"].get<std::string>(),
                               std::move(algorithm), std::move(columns)};
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
