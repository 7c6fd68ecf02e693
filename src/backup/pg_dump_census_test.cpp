// PgDumpCensus on archives built here byte by byte as pg_dump 15 writes them
// (the pg tests feed it real pg_dump output): the tallies whatever the write
// boundaries, and a clear error, never a crash or a wrong census, for every
// truncation, an unknown version, a compressed dump, an impossible length,
// a block the TOC does not know, and data without or past COPY's end line.
#include "backup/pg_dump_census.hpp"

#include <gtest/gtest.h>

namespace citadel::backup {
namespace {

std::string Int(std::int64_t value) {
  std::string out(1, value < 0 ? '\1' : '\0');
  std::uint64_t magnitude = value < 0 ? static_cast<std::uint64_t>(-value) : static_cast<std::uint64_t>(value);
  for (int i = 0; i < 4; ++i) out += static_cast<char>((magnitude >> (8 * i)) & 0xff);
  return out;
}
std::string Str(std::string_view text) { return Int(static_cast<std::int64_t>(text.size())) + std::string(text); }
std::string Null() { return Int(-1); }

std::string Header(int minor = 14, int compression = 0) {
  std::string out = "PGDMP";
  out += static_cast<char>(1);
  out += static_cast<char>(minor);
  out += '\0';
  out += '\4';  // int size
  out += '\10';  // offset size
  out += '\1';  // custom format
  out += Int(compression);
  for (int i = 0; i < 7; ++i) out += Int(i);
  return out + Str("db") + Str("15.18") + Str("15.18");
}

std::string Entry(int id, std::string_view desc, std::string_view schema, std::string_view tag,
                  std::string_view copy) {
  const bool has_data = desc == "TABLE DATA" || desc == "BLOBS";
  std::string out = Int(id) + Int(has_data ? 1 : 0) + Str("0") + Str("0") + Str(tag) + Str(desc) + Int(2) +
                    Str("") + Str("") + (copy.empty() ? Null() : Str(copy)) + Str(schema) + Str("") + Str("heap") +
                    Str("owner") + Str("false") + Str("1") + Null();
  out += '\1';
  out += std::string(8, '\0');
  return out;
}

std::string DataBlock(int id, const std::vector<std::string>& chunks) {
  std::string out = "\1" + Int(id);
  for (const auto& chunk : chunks) out += Int(static_cast<std::int64_t>(chunk.size())) + chunk;
  return out + Int(0);
}

// Two tables (one with a quoted schema, table and keyword column; one
// empty), a schema entry, a large object, as pg_dump 15 lays them out.
std::string Archive() {
  std::string out = Header() + Int(5);
  out += Entry(1, "SCHEMA", "", "My S", "");
  out += Entry(2, "TABLE DATA", "My S", "Odd \"T", "COPY \"My S\".\"Odd \"\"T\" (\"Col A\", \"select\") FROM stdin;\n");
  out += Entry(3, "TABLE DATA", "public", "empty", "COPY public.empty (x) FROM stdin;\n");
  out += Entry(4, "TABLE DATA", "public", "lines", "COPY public.lines (id, note) FROM stdin;\n");
  out += Entry(5, "BLOBS", "", "BLOBS", "");
  out += DataBlock(2, {"1\t2\n", "\\N\t\\\\.\n", "\\.\n\n\n"});
  out += DataBlock(3, {"\\.\n\n\n"});
  // Rows split across chunks, and chunks holding several rows.
  out += DataBlock(4, {"1\tfir", "st\n2\tsecond\n3\t", "\n", "\\.\n\n\n"});
  out += "\3" + Int(5) + Int(16385) + Int(3) + "abc" + Int(0) + Int(0);
  return out;
}

std::uint64_t Sum(std::initializer_list<std::string_view> lines) {
  std::uint64_t sum = 0;
  for (auto line : lines) sum += CopyLineHash(line);
  return sum;
}

core::Result<std::map<std::string, DumpTableTally>> CensusOf(std::string_view bytes, std::size_t step) {
  PgDumpCensus census;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    if (auto written = census.Write(bytes.substr(at, step)); !written) return core::Unexpected(written.error());
  }
  return census.Finish();
}

TEST(PgDumpCensus, TalliesEveryTableWhateverTheWriteBoundaries) {
  const std::string archive = Archive();
  for (std::size_t step : {archive.size(), std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{64}}) {
    auto tallies = CensusOf(archive, step);
    ASSERT_TRUE(tallies) << step << ": " << tallies.error().message;
    ASSERT_EQ(tallies->size(), 3u);
    const auto& odd = tallies->at("My S.Odd \"T");
    EXPECT_EQ(odd.schema, "My S");
    EXPECT_EQ(odd.columns, (std::vector<std::string>{"Col A", "select"}));
    EXPECT_EQ(odd.rows, 2u);
    EXPECT_EQ(odd.sum, Sum({"1\t2", "\\N\t\\\\."}));
    EXPECT_EQ(tallies->at("public.empty").rows, 0u);
    EXPECT_EQ(tallies->at("public.empty").sum, 0u);
    const auto& lines = tallies->at("public.lines");
    EXPECT_EQ(lines.rows, 3u);
    EXPECT_EQ(lines.sum, Sum({"1\tfirst", "2\tsecond", "3\t"}));
  }
}

TEST(PgDumpCensus, EveryTruncationIsAnError) {
  const std::string archive = Archive();
  for (std::size_t length = 0; length < archive.size(); ++length) {
    // A cut exactly between two blocks leaves an entry without its data.
    auto tallies = CensusOf(std::string_view(archive).substr(0, length), 5);
    EXPECT_FALSE(tallies) << "cut at " << length;
  }
}

TEST(PgDumpCensus, RefusesOtherVersionsAndCompressedDumps) {
  auto newer = CensusOf(Header(15) + Int(0), 100);
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("1.14"), std::string::npos) << newer.error().message;
  auto compressed = CensusOf(Header(14, -1) + Int(0), 100);
  ASSERT_FALSE(compressed);
  EXPECT_NE(compressed.error().message.find("--compress=0"), std::string::npos) << compressed.error().message;
  EXPECT_FALSE(CensusOf("PGDMQ", 100));
  EXPECT_FALSE(CensusOf("%PDF-1.7 not a dump", 100));
}

TEST(PgDumpCensus, RefusesImpossibleLengthsAndUnknownBlocks) {
  const std::string head = Header() + Int(1) +
                           Entry(1, "TABLE DATA", "public", "t", "COPY public.t (a) FROM stdin;\n");
  // A chunk claiming more than the bound, or a negative one.
  EXPECT_FALSE(CensusOf(head + "\1" + Int(1) + Int(std::int64_t{1} << 31), 100));
  EXPECT_FALSE(CensusOf(head + "\1" + Int(1) + Int(-5), 100));
  // A data block for a dump id the TOC does not list as table data, twice, or of an unknown type.
  EXPECT_FALSE(CensusOf(head + DataBlock(9, {"\\.\n\n\n"}), 100));
  EXPECT_FALSE(CensusOf(head + DataBlock(1, {"\\.\n\n\n"}) + DataBlock(1, {"\\.\n\n\n"}), 100));
  EXPECT_FALSE(CensusOf(head + "\7" + Int(1), 100));
  // A TOC claiming a string past the bound, or a negative count.
  EXPECT_FALSE(CensusOf(Header() + Int(1) + Int(1) + Int(0) + Int(std::int64_t{1} << 30), 100));
  EXPECT_FALSE(CensusOf(Header() + Int(-1), 100));
  // Table data that is not COPY (pg_dump --inserts).
  EXPECT_FALSE(CensusOf(Header() + Int(1) + Entry(1, "TABLE DATA", "public", "t", ""), 100));
  // And the well-formed one passes.
  EXPECT_TRUE(CensusOf(head + DataBlock(1, {"x\n", "\\.\n\n\n"}), 100));
}

TEST(PgDumpCensus, DataMustEndWithCopysEndLineAndNothingAfter) {
  const std::string head = Header() + Int(1) +
                           Entry(1, "TABLE DATA", "public", "t", "COPY public.t (a) FROM stdin;\n");
  EXPECT_FALSE(CensusOf(head + DataBlock(1, {"x\n"}), 100));                     // no end line
  EXPECT_FALSE(CensusOf(head + DataBlock(1, {"x\n", "\\.\n"}), 100));            // cut after it
  EXPECT_FALSE(CensusOf(head + DataBlock(1, {"x\n", "\\.\n\n\ny\n"}), 100));     // a row after it
  EXPECT_FALSE(CensusOf(head + DataBlock(1, {"x\n", "\\.\n\n\n\n"}), 100));      // a line too many
  EXPECT_FALSE(CensusOf(head + DataBlock(1, {"x\n", "half a row"}), 100));       // a row cut
  // "\." only as a whole line is the end; "\.x" or "\\." are rows.
  auto rows = CensusOf(head + DataBlock(1, {"\\\\.\n", "\\", ".x\n", "\\.\n\n\n"}), 1);
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->at("public.t").rows, 2u);
  EXPECT_EQ(rows->at("public.t").sum, Sum({"\\\\.", "\\.x"}));
}

TEST(PgDumpCensus, ParsesPgDumpsCopyStatements) {
  auto plain = ParseCopyColumns("COPY public.t (a, b_2, \"Select\", \"x\"\"y\") FROM stdin;\n", "public", "t");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(*plain, (std::vector<std::string>{"a", "b_2", "Select", "x\"y"}));
  auto none = ParseCopyColumns("COPY s.\"order\"  FROM stdin;\n", "s", "order");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(ParseCopyColumns("COPY public.other (a) FROM stdin;\n", "public", "t"));
  EXPECT_FALSE(ParseCopyColumns("COPY public.t (a) FROM stdin; DROP TABLE x;\n", "public", "t"));
  EXPECT_FALSE(ParseCopyColumns("COPY public.t (a, ) FROM stdin;\n", "public", "t"));
  EXPECT_FALSE(ParseCopyColumns("COPY public.t (\"a) FROM stdin;\n", "public", "t"));
  EXPECT_FALSE(ParseCopyColumns("INSERT INTO public.t VALUES (1);\n", "public", "t"));
}

}  // namespace
}  // namespace citadel::backup
