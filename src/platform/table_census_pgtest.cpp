// TableCensus against real PostgreSQL: a database of awkward values (floats,
// numeric scales, time zones, arrays, jsonb, bytea, NULLs, composites,
// domains, ranges, enums, json) is dumped with pg_dump and restored with
// pg_restore into a database whose session defaults differ (time zone, date
// style), as a verification does; each table's census must come out the
// same, with "typed" where the columns allow it and "row-text" elsewhere. A
// manifest written before the algorithm was recorded (session 5's shape, its
// checksums computed here with that session's exact statement) still
// verifies, and changed, lost or duplicated rows are each reported.
#include "platform/table_census.hpp"

#include <initializer_list>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "backup/pg_dump_census.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "platform/pg_tool_process.hpp"

namespace citadel::platform {

void PrintTo(const TableTally& tally, std::ostream* out) {
  *out << "{" << tally.rows << " rows, " << tally.checksum << ", " << tally.algorithm << "}";
}

namespace {

constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";

db::Connection Open(std::string_view db) {
  auto connection = db::Connection::Open(db::testing::PgTestCluster().SuperuserDsn(db));
  EXPECT_TRUE(connection) << connection.error().message;
  return std::move(*connection);
}

void MustExecute(db::Connection& connection, db::SqlText sql) {
  auto done = connection.Execute(sql);
  ASSERT_TRUE(done) << sql.view() << ": " << done.error().message;
}

class TableCensusPg : public ::testing::Test {
 protected:
  void SetUp() override {
    auto admin = Open("postgres");
    for (db::SqlText sql : std::initializer_list<db::SqlText>{"DROP DATABASE IF EXISTS census_live WITH (FORCE)",
                            "DROP DATABASE IF EXISTS census_restored WITH (FORCE)",
                            "CREATE DATABASE census_live TEMPLATE template0 ENCODING 'UTF8'",
                            "CREATE DATABASE census_restored TEMPLATE template0 ENCODING 'UTF8'",
                            // Session defaults differ on the two sides, as two servers' may.
                            "ALTER DATABASE census_live SET timezone = 'America/New_York'",
                            "ALTER DATABASE census_live SET datestyle = 'SQL, DMY'",
                            "ALTER DATABASE census_restored SET timezone = 'Asia/Kolkata'",
                            "ALTER DATABASE census_restored SET extra_float_digits = -3"}) {
      ASSERT_NO_FATAL_FAILURE(MustExecute(admin, sql));
    }
    auto live = Open("census_live");
    // One statement per call: the extended protocol takes no multi-statement text.
    for (db::SqlText sql : std::initializer_list<db::SqlText>{
             R"SQL(CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'))SQL",
             R"SQL(CREATE TYPE money_amount AS (currency text, amount numeric))SQL",
             R"SQL(CREATE DOMAIN positive_qty AS numeric(12, 3) CHECK (VALUE > 0))SQL",
             R"SQL(CREATE SCHEMA sales)SQL",
             R"SQL(CREATE TABLE sales.typed_mix (
  id int PRIMARY KEY, flag bool, small int2, big int8, f4 float4, f8 float8, exact numeric, scaled numeric(14, 2),
  label text, code varchar(20), fixed char(5), raw bytea, day date, at_time time, at_timetz timetz,
  stamp timestamp, stamp_tz timestamptz, span interval, uid uuid, doc jsonb, addr inet, net cidr,
  ints int[], grid text[], price money_amount, qty positive_qty, period daterange, stretches int4multirange))SQL",
             R"SQL(INSERT INTO sales.typed_mix VALUES
  (1, true, -32768, 9223372036854775807, 0.1, 0.1, 1.50, 1.5, 'plain', 'A-1', 'ab', '\x00ff10'::bytea,
   '2026-02-28', '23:59:59.999999', '12:00+05:30', '2026-03-29 02:30:00', '2026-03-29 02:30:00+01',
   '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 1.0, 1.50, null, "x"], "b": {"c": true}}',
   '192.168.0.1/24', '10.0.0.0/8', '{1,NULL,3}', '{{"a,b","(c)"},{"\"q\"",NULL}}', ROW('EUR', 12.30),
   1.250, '[2026-01-01,2026-02-01)', '{[1,3],[7,9]}'),
  (2, false, 0, -1, 'NaN', '-0', 1e-20, 0.00, E'quote\'s, (paren) and \\ and é ü 中', '', '     ',
   '\x'::bytea, 'infinity', '00:00', '00:00-12', '-infinity', '1970-01-01 00:00:00+00', '-1 mon +3 days',
   '00000000-0000-0000-0000-000000000000', '[]', '::1', '::/0', '{}', '{}', ROW(NULL, NULL), 0.001,
   'empty', '{}'),
  (3, NULL, NULL, NULL, 'Infinity', 1e308, 123456789012345678901234567890.123456789, -99.99, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, '2026-10-25 01:30:00 Europe/Berlin', NULL, NULL, 'null', NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL),
  (4, true, 1, 2, '-Infinity', 2.2250738585072014e-308, 0, 1, 'dup', 'dup', 'dup', '\xdead', '2000-02-29',
   '12:34:56', '12:34:56+00', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00.000001+14', '0',
   'ffffffff-ffff-ffff-ffff-ffffffffffff', '{"z": 1e300}', '0.0.0.0', '0.0.0.0/0', '{-1}', '{NULL}',
   ROW('', 0), 99999, '(,)', '{(,)}'))SQL",
             R"SQL(INSERT INTO sales.typed_mix SELECT g, g % 2 = 0, g % 100, g * 1000003, g / 7.0, g / 7.0, g / 7.0, g / 7.0,
  'row ' || g, 'c' || g, 'f' || (g % 10), sha256(g::text::bytea), date '2020-01-01' + g,
  time '00:00' + g * interval '1 second', NULL, timestamp '2020-01-01' + g * interval '1 hour',
  timestamptz '2020-01-01 00:00+00' + g * interval '1 hour', g * interval '1 minute', NULL,
  jsonb_build_object('n', g, 'half', g / 2.0), NULL, NULL, ARRAY[g, g + 1], ARRAY['x' || g], ROW('USD', g)::money_amount,
  g, NULL, NULL FROM generate_series(10, 2000) g)SQL",
             R"SQL(CREATE TABLE with_json (id int, body json, spot point))SQL",
             R"SQL(INSERT INTO with_json VALUES (1, '{"b": 1,  "a": [1.0]}', '(1.5,2)'), (2, NULL, NULL), (3, '"x"', '(0,-0)'))SQL",
             R"SQL(CREATE TABLE with_enum (id int, feeling mood, history mood[]))SQL",
             R"SQL(INSERT INTO with_enum VALUES (1, 'happy', '{sad,ok}'), (2, NULL, NULL), (3, 'sad', '{}'))SQL",
             R"SQL(CREATE TABLE column_t (t int, u text))SQL",
             R"SQL(INSERT INTO column_t VALUES (1, 'one'), (1, 'two'), (2, NULL))SQL",
             R"SQL(CREATE TABLE dropped (a int, b text, c numeric))SQL",
             R"SQL(INSERT INTO dropped VALUES (1, 'gone', 1.5), (2, NULL, NULL))SQL",
             R"SQL(ALTER TABLE dropped DROP COLUMN b)SQL",
             R"SQL(CREATE TABLE nothing (a int))SQL",
             R"SQL(CREATE TABLE no_columns ())SQL",
             R"SQL(INSERT INTO no_columns DEFAULT VALUES)SQL",
         }) {
      ASSERT_NO_FATAL_FAILURE(MustExecute(live, sql));
    }
  }

  void TearDown() override {
    auto admin = Open("postgres");
    (void)admin.Execute("DROP DATABASE IF EXISTS census_live WITH (FORCE)");
    (void)admin.Execute("DROP DATABASE IF EXISTS census_restored WITH (FORCE)");
  }

  // pg_dump of census_live streamed into pg_restore into census_restored,
  // with the flags Citadel restores with.
  void DumpAndRestore() {
    auto& cluster = db::testing::PgTestCluster();
    auto dump = PgToolProcess::Start(std::string(kPgBin) + "/pg_dump", cluster.SuperuserDsn("census_live"),
                                     {"--format=custom", "--compress=0"}, PgToolProcess::Stream::kReadStdout);
    ASSERT_TRUE(dump) << dump.error().message;
    auto restore = PgToolProcess::Start(std::string(kPgBin) + "/pg_restore", cluster.SuperuserDsn("census_restored"),
                                        {"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"},
                                        PgToolProcess::Stream::kWriteStdin);
    ASSERT_TRUE(restore) << restore.error().message;
    while (true) {
      auto chunk = dump->Read(1 << 16);
      ASSERT_TRUE(chunk) << chunk.error().message;
      if (chunk->empty()) break;
      auto written = restore->Write(*chunk);
      ASSERT_TRUE(written) << written.error().message;
    }
    auto dumped = dump->Finish(std::chrono::seconds(60));
    ASSERT_TRUE(dumped) << dumped.error().message;
    auto restored = restore->Finish(std::chrono::seconds(60));
    ASSERT_TRUE(restored) << restored.error().message;
  }

  // The census of `db` as backup and verify take it: a read-only
  // REPEATABLE READ transaction with the census session's settings.
  static core::Result<TableCensus> CensusOf(std::string_view db, const TableCensus* like = nullptr) {
    auto connection = Open(db);
    if (auto begun = connection.Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) {
      return core::Unexpected(begun.error());
    }
    if (auto prepared = PrepareCensusSession(connection); !prepared) return core::Unexpected(prepared.error());
    auto census = TakeTableCensus(connection, like);
    (void)connection.Execute("ROLLBACK");
    return census;
  }
};

TEST_F(TableCensusPg, ARestoreCountsTheSameWithTheTypedHashWhereColumnsAllowIt) {
  auto live = CensusOf("census_live");
  ASSERT_TRUE(live) << live.error().message;
  ASSERT_NO_FATAL_FAILURE(DumpAndRestore());

  std::map<std::string, std::string> algorithms;
  for (const auto& [table, tally] : *live) algorithms[table] = tally.algorithm;
  EXPECT_EQ(algorithms, (std::map<std::string, std::string>{{"public.column_t", kCensusTyped},
                                                             {"public.dropped", kCensusTyped},
                                                             {"public.no_columns", kCensusTyped},
                                                             {"public.nothing", kCensusTyped},
                                                             {"public.with_enum", kCensusRowText},
                                                             {"public.with_json", kCensusRowText},
                                                             {"sales.typed_mix", kCensusTyped}}));
  EXPECT_EQ(live->at("sales.typed_mix").rows, 1995u);
  EXPECT_EQ(live->at("public.nothing").checksum, "0");

  // Through the manifest's JSON, as a verification reads it back.
  auto recorded = CensusFromJson(nlohmann::json::parse(CensusToJson(*live).dump()));
  ASSERT_TRUE(recorded) << recorded.error().message;
  EXPECT_EQ(*recorded, *live);
  auto restored = CensusOf("census_restored", &*recorded);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(DescribeCensusDifferences(*recorded, *restored), "");
  EXPECT_EQ(*restored, *live);
  // Taken fresh (no manifest to follow), the restore picks the same algorithms.
  auto fresh = CensusOf("census_restored");
  ASSERT_TRUE(fresh) << fresh.error().message;
  EXPECT_EQ(*fresh, *live);
}

TEST_F(TableCensusPg, AManifestWrittenBeforeAlgorithmsWereRecordedStillVerifies) {
  // Session 5's manifest entry: {"rows", "checksum"} from this very statement.
  auto live = Open("census_live");
  ASSERT_TRUE(live.Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  ASSERT_TRUE(PrepareCensusSession(live));
  nlohmann::json tables = nlohmann::json::object();
  auto typed_mix = live.Execute(
      "SELECT count(*) AS n, coalesce(sum(hashtextextended(t::text, 0)), 0) AS s1, "
      "coalesce(sum(hashtextextended(t::text, 1)), 0) AS s2 FROM \"sales\".\"typed_mix\" AS t");
  ASSERT_TRUE(typed_mix) << typed_mix.error().message;
  tables["sales.typed_mix"] = {{"rows", std::stoull(typed_mix->Text(0, "n"))},
                               {"checksum", typed_mix->Text(0, "s1") + "-" + typed_mix->Text(0, "s2")}};
  auto with_json = live.Execute(
      "SELECT count(*) AS n, coalesce(sum(hashtextextended(t::text, 0)), 0) AS s1, "
      "coalesce(sum(hashtextextended(t::text, 1)), 0) AS s2 FROM \"public\".\"with_json\" AS t");
  ASSERT_TRUE(with_json) << with_json.error().message;
  tables["public.with_json"] = {{"rows", 3u}, {"checksum", with_json->Text(0, "s1") + "-" + with_json->Text(0, "s2")}};
  ASSERT_TRUE(live.Execute("ROLLBACK"));

  ASSERT_NO_FATAL_FAILURE(DumpAndRestore());
  auto expected = CensusFromJson(tables);
  ASSERT_TRUE(expected) << expected.error().message;
  EXPECT_EQ(expected->at("sales.typed_mix").algorithm, kCensusLegacyText);
  auto restored = CensusOf("census_restored", &*expected);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(restored->at("sales.typed_mix"), expected->at("sales.typed_mix"));
  EXPECT_EQ(restored->at("public.with_json"), expected->at("public.with_json"));
  // The other tables are "not in the backup", as they were not in this manifest.
  EXPECT_EQ(DescribeCensusDifferences(*expected, *restored),
            "public.column_t: not in the backup\npublic.dropped: not in the backup\npublic.no_columns: not in the "
            "backup\npublic.nothing: not in the backup\npublic.with_enum: not in the backup\n");
}

TEST_F(TableCensusPg, ChangedLostAndDuplicatedRowsAreReported) {
  auto live = CensusOf("census_live");
  ASSERT_TRUE(live) << live.error().message;
  ASSERT_NO_FATAL_FAILURE(DumpAndRestore());
  auto restored = Open("census_restored");
  for (db::SqlText sql : std::initializer_list<db::SqlText>{
           "UPDATE sales.typed_mix SET exact = exact + 0.000001 WHERE id = 1",  // one digit far in one value
           "UPDATE column_t SET u = 'owt' WHERE u = 'two'",                      // not the column named t
           "UPDATE with_json SET body = '{\"b\": 1, \"a\": [1.00]}' WHERE id = 1",
           "UPDATE with_enum SET feeling = 'ok' WHERE id = 1",
           "DELETE FROM dropped WHERE a = 2",
           "INSERT INTO no_columns DEFAULT VALUES",
       }) {
    ASSERT_NO_FATAL_FAILURE(MustExecute(restored, sql));
  }
  // A row swapped for a duplicate of another keeps the count.
  ASSERT_NO_FATAL_FAILURE(MustExecute(restored, "ALTER TABLE sales.typed_mix DROP CONSTRAINT typed_mix_pkey"));
  ASSERT_NO_FATAL_FAILURE(MustExecute(restored, "DELETE FROM sales.typed_mix WHERE id = 11"));
  ASSERT_NO_FATAL_FAILURE(MustExecute(restored, "INSERT INTO sales.typed_mix SELECT * FROM sales.typed_mix WHERE id = 12"));
  auto after = CensusOf("census_restored", &*live);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(DescribeCensusDifferences(*live, *after),
            "public.column_t: same row count, different content\n"
            "public.dropped: 1 rows, the backup had 2\n"
            "public.no_columns: 2 rows, the backup had 1\n"
            "public.with_enum: same row count, different content\n"
            "public.with_json: same row count, different content\n"
            "sales.typed_mix: same row count, different content\n");
}

// "copy-text": the census read from pg_dump's stream as a backup takes it
// (its DSN and flags), against the restored database's COPY census, whose
// session defaults differ from the dump's (time zone, bytea output, interval
// style, float digits). Awkward text, floats, a generated column (not in the
// dump's COPY), a partitioned table (its partitions counted, not it), an
// empty table, a keyword table name with a keyword column in another schema,
// and a table big enough to be split by ctid over two connections, with an
// inheritance child (whose rows are not its parent's).
TEST_F(TableCensusPg, TheDumpStreamsCensusEqualsTheRestoredDatabases) {
  {
    auto admin = Open("postgres");
    ASSERT_NO_FATAL_FAILURE(MustExecute(admin, "ALTER DATABASE census_live SET bytea_output = 'escape'"));
    ASSERT_NO_FATAL_FAILURE(MustExecute(admin, "ALTER DATABASE census_live SET intervalstyle = 'sql_standard'"));
    ASSERT_NO_FATAL_FAILURE(MustExecute(admin, "ALTER DATABASE census_restored SET bytea_output = 'escape'"));
    ASSERT_NO_FATAL_FAILURE(MustExecute(admin, "ALTER DATABASE census_restored SET intervalstyle = 'iso_8601'"));
    auto live = Open("census_live");
    for (db::SqlText sql : std::initializer_list<db::SqlText>{
             R"SQL(CREATE TABLE sales."order" (id int, "select" text, total numeric,
  doubled numeric GENERATED ALWAYS AS (total * 2) STORED, f4 float4, paid bytea))SQL",
             R"SQL(INSERT INTO sales."order" (id, "select", total, f4, paid) VALUES
  (1, E'tab\there', 1.50, 'NaN', '\x00'), (2, E'new\nline\r\n', 0.1, '-0', '\x5c2e'),
  (3, E'back\\slash and \\.', -0, 'Infinity', NULL), (4, 'ünï 中 😀', NULL, '-Infinity', '\x'),
  (5, NULL, 1e-30, 3.4e38, '\xffee'), (6, '', 123456789.123456789, 1.1, '\x0a'), (7, '\.', 7, -1.1e-38, NULL))SQL",
             R"SQL(CREATE TABLE ledger (id int, at timestamptz, amount float8, span interval) PARTITION BY RANGE (id))SQL",
             R"SQL(CREATE TABLE ledger_low PARTITION OF ledger FOR VALUES FROM (MINVALUE) TO (100))SQL",
             R"SQL(CREATE TABLE ledger_high PARTITION OF ledger FOR VALUES FROM (100) TO (MAXVALUE))SQL",
             R"SQL(INSERT INTO ledger SELECT g, timestamptz '2026-03-29 00:30:00+00' + g * interval '17 minutes',
  CASE g % 5 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN '-0'::float8 ELSE g / 3.0 END,
  g * interval '1 day 3 hours 5.5 seconds' - interval '2 months' FROM generate_series(1, 300) g)SQL",
             R"SQL(CREATE TABLE big (id int, note text, stamp timestamptz))SQL",
             R"SQL(INSERT INTO big SELECT g, repeat(chr(65 + g % 26), 60) || E'\t' || g,
  timestamptz '2020-01-01 00:00:00.5+03' + g * interval '1 second' FROM generate_series(1, 120000) g)SQL",
             // An inheritance child: its rows are its own, not its parent's.
             R"SQL(CREATE TABLE big_child (extra int) INHERITS (big))SQL",
             R"SQL(INSERT INTO big_child VALUES (1, 'child', NULL, 1), (2, 'child', NULL, 2))SQL",
         }) {
      ASSERT_NO_FATAL_FAILURE(MustExecute(live, sql));
    }
  }

  // The dump as a backup runs it, read by the census and restored at once;
  // small reads, so rows straddle them.
  auto& cluster = db::testing::PgTestCluster();
  auto dump_dsn = CopyCensusDumpDsn(cluster.SuperuserDsn("census_live"));
  ASSERT_TRUE(dump_dsn) << dump_dsn.error().message;
  auto dump = PgToolProcess::Start(std::string(kPgBin) + "/pg_dump", *dump_dsn,
                                   {"--format=custom", "--compress=0", "--encoding=UTF8"},
                                   PgToolProcess::Stream::kReadStdout);
  ASSERT_TRUE(dump) << dump.error().message;
  auto restore = PgToolProcess::Start(std::string(kPgBin) + "/pg_restore", cluster.SuperuserDsn("census_restored"),
                                      {"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"},
                                      PgToolProcess::Stream::kWriteStdin);
  ASSERT_TRUE(restore) << restore.error().message;
  backup::PgDumpCensus reader;
  int reads = 0;
  while (true) {
    auto chunk = dump->Read(4093);
    ASSERT_TRUE(chunk) << chunk.error().message;
    if (chunk->empty()) break;
    ++reads;
    auto counted = reader.Write(*chunk);
    ASSERT_TRUE(counted) << counted.error().message;
    ASSERT_TRUE(restore->Write(*chunk));
  }
  ASSERT_TRUE(dump->Finish(std::chrono::seconds(60)));
  auto restored_ok = restore->Finish(std::chrono::seconds(60));
  ASSERT_TRUE(restored_ok) << restored_ok.error().message;
  EXPECT_GT(reads, 1000);  // the big table's ~9 MiB of COPY text spans many reads (and one chunk per row)
  auto tallies = reader.Finish();
  ASSERT_TRUE(tallies) << tallies.error().message;
  auto streamed = CensusFromDump(*tallies);
  ASSERT_TRUE(streamed) << streamed.error().message;

  EXPECT_FALSE(streamed->contains("public.ledger"));
  EXPECT_EQ(streamed->at("public.ledger_low").rows + streamed->at("public.ledger_high").rows, 300u);
  EXPECT_EQ(streamed->at("sales.order").columns, (std::vector<std::string>{"id", "select", "total", "f4", "paid"}));
  EXPECT_EQ(streamed->at("sales.order").rows, 7u);
  EXPECT_EQ(streamed->at("public.big").rows, 120000u);
  EXPECT_EQ(streamed->at("public.big_child").rows, 2u);
  EXPECT_EQ(streamed->at("public.nothing").rows, 0u);
  EXPECT_EQ(streamed->at("public.nothing").checksum, "0");
  EXPECT_EQ(streamed->at("public.no_columns").rows, 1u);
  for (const auto& [table, tally] : *streamed) EXPECT_EQ(tally.algorithm, kCensusCopyText) << table;
  EXPECT_EQ(streamed->size(), 12u);

  auto recorded = CensusFromJson(nlohmann::json::parse(CensusToJson(*streamed).dump()));
  ASSERT_TRUE(recorded) << recorded.error().message;
  EXPECT_EQ(*recorded, *streamed);
  const std::string restored_dsn = cluster.SuperuserDsn("census_restored");
  auto census_of_restored = [&](bool split) -> core::Result<TableCensus> {
    auto connection = Open("census_restored");
    if (auto begun = connection.Execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) {
      return core::Unexpected(begun.error());
    }
    if (auto prepared = PrepareCensusSession(connection); !prepared) return core::Unexpected(prepared.error());
    auto census = TakeTableCensus(connection, &*recorded, split ? restored_dsn : std::string());
    (void)connection.Execute("ROLLBACK");
    return census;
  };
  for (bool split : {true, false}) {
    auto restored = census_of_restored(split);
    ASSERT_TRUE(restored) << restored.error().message;
    EXPECT_EQ(DescribeCensusDifferences(*recorded, *restored), "") << "split " << split;
    EXPECT_EQ(*restored, *recorded);
  }

  // One changed row is found, in a small table and in either half of the big one.
  auto restored = Open("census_restored");
  ASSERT_NO_FATAL_FAILURE(MustExecute(restored, R"SQL(UPDATE sales."order" SET "select" = E'tab\there ' WHERE id = 1)SQL"));
  ASSERT_NO_FATAL_FAILURE(MustExecute(restored, "UPDATE big SET stamp = stamp + interval '1 microsecond' WHERE id = 119000"));
  ASSERT_NO_FATAL_FAILURE(MustExecute(restored, "UPDATE ledger SET amount = 0 WHERE id = 205"));
  for (bool split : {true, false}) {
    auto after = census_of_restored(split);
    ASSERT_TRUE(after) << after.error().message;
    EXPECT_EQ(DescribeCensusDifferences(*recorded, *after),
              "public.big: same row count, different content\n"
              "public.ledger_high: same row count, different content\n"
              "sales.order: same row count, different content\n")
        << "split " << split;
  }
}

TEST(TableCensus, AnUnknownAlgorithmIsRefusedNotGuessed) {
  auto parsed = CensusFromJson(nlohmann::json::parse(R"({"public.a": {"rows": 1, "checksum": "1-2",
                                                         "algorithm": "sha3-per-row"}})"));
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("sha3-per-row"), std::string::npos) << parsed.error().message;
  auto old = CensusFromJson(nlohmann::json::parse(R"({"public.a": {"rows": 1, "checksum": "1-2"}})"));
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->at("public.a").algorithm, kCensusLegacyText);
}

}  // namespace
}  // namespace citadel::platform
