// TableCensus: what a restore must give back, table by table — the number of
// rows and a checksum of their content — taken in the same snapshot that
// pg_dump dumps (pg_export_snapshot / pg_dump --snapshot), recorded in the
// backup's manifest, and taken again on the restored database to verify it.
//
// The checksum is order-independent (a restore does not keep physical row
// order): the exact sum, over rows, of a 64-bit hash of the row. It detects
// lost, duplicated and altered rows (an accidental change goes unnoticed with
// a chance of about 2^-64); it is not a defence against a forger (the
// backup's AEAD is). How a row is hashed is the table's census algorithm,
// recorded with its tally:
//
//   "typed"     hash_record_extended(row, 0): each column hashed by its type's
//               own hash function, no text rendering (3.5 to 4 times
//               cheaper than "text" on invoice lines: 0.87 s against 3.0-3.5 s
//               for 1.5 M rows on one core). Equal values hash equal, as
//               PostgreSQL's = says (1.5 and 1.50, -0 and 0, '1 day' and
//               '24 hours'); the dump keeps values exactly, so a restore gives
//               the same sum. Used for a table whose every column is of a type
//               on an allow-list whose hash depends on the value alone (not on
//               OIDs, which a restore renumbers: enums, reg* types; not on a
//               nondeterministic collation), arrays, domains, ranges and
//               composites of those included.
//   "row-text"  hashtextextended(ROW(columns)::text, 0), for the other tables
//               (json, point, enums, ...).
//   "copy-text" the row's line of COPY text (XXH3_64bits, summed mod 2^64),
//               taken from the dump itself as it streams through Citadel
//               (backup/pg_dump_census.hpp): a backup reads each table once.
//               The restored side copies each table out (COPY ... TO STDOUT,
//               the dump's column list) with the output settings pg_dump's
//               session had (ISO dates, postgres intervals, extra_float_digits
//               3, UTC, hex bytea, UTF8; CopyCensusDumpDsn pins the ones
//               pg_dump leaves to the server), big tables split by ctid range
//               over two connections. Text equality is stricter than "typed"'s
//               (1.50 and 1.5 differ), which a dump and restore keep anyway.
//               Partitioned tables hold no rows of their own and are not
//               listed; their partitions are.
//   "text"      the sums of hashtextextended(t::text, 0) and (.., 1), as
//               "<sum0>-<sum1>": what manifests written before the algorithm
//               was recorded mean (no "algorithm" key). Never written any
//               more: it renders and hashes each row twice, and with a column
//               named "t", `t::text` is that column, not the row.
// The text forms are rendered with fixed settings (UTC, ISO dates, shortest
// exact floats, hex bytea; PrepareCensusSession) so the same data gives the
// same text on the backup and the restore side.
//
// A restore is counted table by table with the algorithm its backup
// recorded, so backups written by an older Citadel still verify.
//
// Table names come from pg_catalog and go into the statement only as
// validated, quoted identifiers (db::Identifier); a name that does not
// validate is reported, never composed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "backup/pg_dump_census.hpp"

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::platform {

inline constexpr const char* kCensusTyped = "typed";
inline constexpr const char* kCensusRowText = "row-text";
inline constexpr const char* kCensusLegacyText = "text";
inline constexpr const char* kCensusCopyText = "copy-text";

struct TableTally {
  std::uint64_t rows = 0;
  std::string checksum;                       // the sum(s) in decimal, as the algorithm writes them
  std::string algorithm = kCensusLegacyText;  // how rows were hashed (above)
  std::vector<std::string> columns;           // "copy-text": the dump's COPY column list
  friend bool operator==(const TableTally&, const TableTally&) = default;
};

// "schema.table" -> tally.
using TableCensus = std::map<std::string, TableTally>;

// Sets the rendering settings for the current transaction; call right after
// BEGIN, before TakeTableCensus.
core::Result<void> PrepareCensusSession(db::Connection& connection);

// Counts every table of every non-system schema, within the caller's open
// transaction (so, with REPEATABLE READ, in its snapshot). A table that
// `like` holds is counted with the algorithm recorded there (a restore is
// checked the way its backup was counted); any other with "typed" when its
// columns allow it, else "row-text". With `like`, a partitioned table or an
// extension's table that `like` does not list is not counted (pg_dump dumps
// no data of its own for either). `split_dsn`, when not empty, opens a
// second connection (in the same snapshot) so that "copy-text" tables are
// copied out over two, big ones split by ctid range.
core::Result<TableCensus> TakeTableCensus(db::Connection& connection, const TableCensus* like = nullptr,
                                          const std::string& split_dsn = {});

// The census of a dump read as it streamed ("copy-text"); a table whose
// schema or name db::Identifier does not take is an error (the restored
// side could not name it).
core::Result<TableCensus> CensusFromDump(const std::map<std::string, backup::DumpTableTally>& tallies);

// `dsn` with the settings pg_dump's COPY output depends on and does not set
// itself (TimeZone, bytea_output) pinned in its startup options; give
// pg_dump --encoding=UTF8 too.
core::Result<std::string> CopyCensusDumpDsn(const std::string& dsn);

nlohmann::json CensusToJson(const TableCensus& census);
// An entry without "algorithm" is "text" (manifests written before it was
// recorded); an algorithm this Citadel does not know is an error.
core::Result<TableCensus> CensusFromJson(const nlohmann::json& json);

// Empty when equal; otherwise one line per difference, for the operator.
std::string DescribeCensusDifferences(const TableCensus& expected, const TableCensus& actual);

}  // namespace citadel::platform
