// PgDumpCensus: the table census of a backup taken from the dump itself, as
// pg_dump's custom-format archive streams past, so that a backup reads each
// table once (a second scan in the same snapshot cost about 4 PostgreSQL CPU
// seconds per GiB).
//
// For every table whose data the dump holds: the number of rows and the sum
// mod 2^64 of XXH3_64bits over each row's line of COPY text (without its
// newline). The sum is order-independent, so the restored database, copied
// out with the same column list and output settings (table_census.hpp), must
// give the same tally.
//
// What it reads (PostgreSQL 15's pg_backup_archiver.c and pg_backup_custom.c
// are the specification): the header ("PGDMP", version, integer and offset
// sizes, format, compression), the TOC (dump id, tag, desc, namespace and the
// COPY statement of each "TABLE DATA" entry), then the data blocks (block
// type, dump id, chunks each prefixed by its length, ended by a zero length).
// pg_dump must have run with --compress=0, so the chunks are the COPY text
// itself, ended by pg_dump's "\." line. Only archive version 1.14 (what
// pg_dump 15 writes) is read; any other is refused with a clear error, as
// is a compressed dump, a TOC or string past a bound, a truncated or
// malformed stream: a census that cannot be trusted fails the backup.
//
// Memory: the header and TOC are buffered (at most kMaxHeaderBytes); data
// flows through (a row split across writes is hashed incrementally). One
// object per stream, used from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace citadel::backup {

// One table's data in the dump.
struct DumpTableTally {
  std::string schema;                // the TOC entry's namespace
  std::string table;                 // its tag
  std::vector<std::string> columns;  // the COPY statement's column list, unquoted, in order
  std::uint64_t rows = 0;
  std::uint64_t sum = 0;  // of CopyLineHash over the rows, mod 2^64
};

// The hash of one row: XXH3_64bits (seed 0) of its COPY text line.
std::uint64_t CopyLineHash(std::string_view line);

// The column names of a pg_dump COPY statement, `COPY <schema>.<table>
// (<col>, ...) FROM stdin;\n`, with the identifiers unquoted; also checks
// that it names `schema`.`table`. An empty list when it lists none.
core::Result<std::vector<std::string>> ParseCopyColumns(std::string_view statement, std::string_view schema,
                                                        std::string_view table);

class PgDumpCensus {
 public:
  static constexpr std::size_t kMaxHeaderBytes = std::size_t{256} << 20;
  static constexpr std::size_t kMaxString = std::size_t{64} << 20;
  static constexpr std::int64_t kMaxChunk = std::int64_t{1} << 30;
  static constexpr std::int64_t kMaxTocEntries = 10'000'000;

  PgDumpCensus();
  ~PgDumpCensus();
  PgDumpCensus(const PgDumpCensus&) = delete;
  PgDumpCensus& operator=(const PgDumpCensus&) = delete;

  // The next bytes of the dump. After an error, every later call fails.
  core::Result<void> Write(std::string_view bytes);
  // The stream ended: the tallies, by "schema.table". Fails unless the
  // stream ended between blocks and every table of the TOC had its data.
  core::Result<std::map<std::string, DumpTableTally>> Finish();

 private:
  struct Table;
  enum class State { kHead, kBlockType, kBlockId, kChunkLength, kChunkData, kBlobOid, kFailed };
  core::Result<void> ParseHead();
  core::Result<void> Data(std::string_view bytes);
  core::Result<void> Feed(std::string_view bytes);
  core::Result<void> AfterInteger(std::int64_t value);
  core::Result<void> EndTableBlock();
  core::Result<void> Fail(std::string message);

  State state_ = State::kHead;
  std::string head_;
  std::size_t head_needed_ = 0;
  std::size_t last_attempt_ = 0;
  int int_size_ = 4;
  // The integer being read in the data section: its bytes so far.
  std::string int_bytes_;
  State int_for_ = State::kBlockType;
  int block_type_ = 0;
  bool in_blobs_ = false;
  std::int64_t chunk_left_ = 0;
  std::map<std::int64_t, Table> tables_;  // by dump id
  std::map<std::int64_t, bool> other_data_;  // other entries with data (large objects): block seen
  Table* current_ = nullptr;               // the table whose block is open
  struct LineState;
  std::unique_ptr<LineState> line_;
  std::string error_;
};

}  // namespace citadel::backup
