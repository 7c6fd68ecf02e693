// TableCensus: what a restore must give back, table by table — the number of
// rows and a checksum of their content — taken in the same snapshot that
// pg_dump dumps (pg_export_snapshot / pg_dump --snapshot), recorded in the
// backup's manifest, and taken again on the restored database to verify it.
//
// The checksum is order-independent (a restore does not keep physical row
// order): the sums, over rows, of two 64-bit hashes of the row as text
// (PostgreSQL's hashtextextended with two seeds; md5 costs three times as
// much and this is no defence against a forger anyway). It detects lost, duplicated and altered rows; it is not
// a defence against a forger (the backup's AEAD is). Rows are rendered with
// fixed settings (UTC, ISO dates, shortest exact floats, hex bytea) so the
// same data gives the same text on the backup and the restore side.
//
// Table names come from pg_catalog and go into the statement only as
// validated, quoted identifiers (db::Identifier); a name that does not
// validate is reported, never composed.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::platform {

struct TableTally {
  std::uint64_t rows = 0;
  std::string checksum;  // "<sum1>-<sum2>" as decimal
  friend bool operator==(const TableTally&, const TableTally&) = default;
};

// "schema.table" -> tally.
using TableCensus = std::map<std::string, TableTally>;

// Sets the rendering settings for the current transaction; call right after
// BEGIN, before TakeTableCensus.
core::Result<void> PrepareCensusSession(db::Connection& connection);

// Counts every table of every non-system schema, within the caller's open
// transaction (so, with REPEATABLE READ, in its snapshot).
core::Result<TableCensus> TakeTableCensus(db::Connection& connection);

nlohmann::json CensusToJson(const TableCensus& census);
core::Result<TableCensus> CensusFromJson(const nlohmann::json& json);

// Empty when equal; otherwise one line per difference, for the operator.
std::string DescribeCensusDifferences(const TableCensus& expected, const TableCensus& actual);

}  // namespace citadel::platform
