#include "backup/archive_stream.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/sha256.hpp"

namespace citadel::backup {
namespace {

// Keeps every part's content, and the order of the calls.
class CollectingVisitor final : public ArchiveVisitor {
 public:
  core::Result<ByteSink*> BeginPart(const std::string& name) override {
    events.push_back("begin " + name);
    sinks[name] = std::make_unique<StringSink>();
    return sinks[name].get();
  }
  core::Result<void> EndPart(const ArchivePartSummary& part) override {
    events.push_back("end " + part.name + " " + std::to_string(part.size));
    return {};
  }
  core::Result<void> EndArchive() override {
    events.push_back("archive end");
    return {};
  }
  std::vector<std::string> events;
  std::map<std::string, std::unique_ptr<StringSink>> sinks;
};

std::string TwoPartArchive(const std::string& dump) {
  StringSink out;
  ArchiveWriter writer(out);
  EXPECT_TRUE(writer.BeginPart("database.dump").has_value());
  EXPECT_TRUE(writer.PartSink().Write(dump).has_value());
  auto summary = writer.EndPart();
  EXPECT_TRUE(summary.has_value());
  EXPECT_EQ(summary->size, dump.size());
  EXPECT_EQ(summary->sha256_hex, core::Sha256Hex(dump));
  EXPECT_TRUE(writer.BeginPart("manifest.json").has_value());
  EXPECT_TRUE(writer.WritePart("{}").has_value());
  EXPECT_TRUE(writer.EndPart().has_value());
  EXPECT_TRUE(writer.Finish().has_value());
  EXPECT_TRUE(out.closed());
  return out.data();
}

core::Result<void> ReadArchive(const std::string& archive, CollectingVisitor& visitor, std::size_t slice) {
  ArchiveReader reader(visitor);
  for (std::size_t at = 0; at < archive.size(); at += slice) {
    if (auto written = reader.Write(std::string_view(archive).substr(at, slice)); !written) return written;
  }
  return reader.Close();
}

TEST(ArchiveStream, PartsOfAnySizeRoundTripInAnySlices) {
  std::string dump(3 * kArchiveMaxRecordData + 5, '\0');
  for (std::size_t i = 0; i < dump.size(); ++i) dump[i] = static_cast<char>(i * 7 + i / 1000);
  std::string archive = TwoPartArchive(dump);
  for (std::size_t slice : {std::size_t{1} << 20, std::size_t{4099}}) {
    CollectingVisitor visitor;
    auto read = ReadArchive(archive, visitor, slice);
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_EQ(visitor.sinks["database.dump"]->data(), dump);
    EXPECT_EQ(visitor.sinks["manifest.json"]->data(), "{}");
    EXPECT_EQ(visitor.events, (std::vector<std::string>{"begin database.dump",
                                                        "end database.dump " + std::to_string(dump.size()),
                                                        "begin manifest.json", "end manifest.json 2", "archive end"}));
  }
}

TEST(ArchiveStream, DamageAndTruncationAreRefused) {
  std::string archive = TwoPartArchive(std::string(10'000, 'd'));
  {
    std::string damaged = archive;
    damaged[100] ^= 1;  // inside the dump's data
    CollectingVisitor visitor;
    auto read = ReadArchive(damaged, visitor, 512);
    ASSERT_FALSE(read.has_value());
    EXPECT_NE(read.error().message.find("does not match"), std::string::npos) << read.error().message;
  }
  for (std::size_t cut : {std::size_t{3}, std::size_t{20}, archive.size() - 1, archive.size() - 9}) {
    CollectingVisitor visitor;
    auto read = ReadArchive(archive.substr(0, cut), visitor, 512);
    EXPECT_FALSE(read.has_value()) << "cut at " << cut;
  }
  {
    CollectingVisitor visitor;
    EXPECT_FALSE(ReadArchive(archive + "x", visitor, 512).has_value());
  }
  {
    CollectingVisitor visitor;
    EXPECT_FALSE(ReadArchive("CITARCH2" + archive.substr(8), visitor, 512).has_value());
  }
}

TEST(ArchiveStream, BadPartNamesAreRefused) {
  for (const char* name : {"", "/etc/passwd", "../x", "a/../b", "name with space"}) {
    StringSink out;
    ArchiveWriter writer(out);
    EXPECT_FALSE(writer.BeginPart(name).has_value()) << name;
  }
  StringSink out;
  ArchiveWriter writer(out);
  ASSERT_TRUE(writer.BeginPart("once").has_value());
  ASSERT_TRUE(writer.EndPart().has_value());
  EXPECT_FALSE(writer.BeginPart("once").has_value());
}

}  // namespace
}  // namespace citadel::backup
