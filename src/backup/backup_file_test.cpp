#include "backup/backup_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "backup/fan_out_upload.hpp"
#include "backup/key_wrap.hpp"
#include "backup/local_directory_site.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;

TenantKey KeyOf(const std::string& tenant) { return TenantKey{tenant, core::RandomHex(8), NewDataKey()}; }

class PartsVisitor final : public ArchiveVisitor {
 public:
  core::Result<ByteSink*> BeginPart(const std::string& name) override {
    parts[name] = std::make_unique<StringSink>();
    return parts[name].get();
  }
  core::Result<void> EndPart(const ArchivePartSummary&) override { return {}; }
  core::Result<void> EndArchive() override {
    ended = true;
    return {};
  }
  std::map<std::string, std::unique_ptr<StringSink>> parts;
  bool ended = false;
};

std::string WriteBackup(const TenantKey& key, const std::string& id, const std::string& dump) {
  StringSink file;
  BackupFileWriter writer(key, id, "2026-12-03T06:00:00Z", file);
  EXPECT_TRUE(writer.Start().has_value());
  EXPECT_TRUE(writer.archive().BeginPart("database.dump").has_value());
  EXPECT_TRUE(writer.archive().WritePart(dump).has_value());
  EXPECT_TRUE(writer.archive().EndPart().has_value());
  EXPECT_TRUE(writer.Finish().has_value());
  EXPECT_TRUE(file.closed());
  return file.data();
}

core::Result<void> ReadBackup(const std::string& file, const TenantKey& key, PartsVisitor& visitor) {
  BackupFileReader reader([&](const BackupEnvelope&) -> core::Result<TenantKey> { return key; }, visitor);
  for (std::size_t at = 0; at < file.size(); at += 3001) {
    if (auto written = reader.Write(std::string_view(file).substr(at, 3001)); !written) return written;
  }
  return reader.Close();
}

TEST(BackupFile, RoundTripsWithTheTenantsKeyOnly) {
  TenantKey key = KeyOf("t_one");
  std::string dump;
  for (int i = 0; i < 100'000; ++i) dump += "row " + std::to_string(i) + "\n";
  std::string file = WriteBackup(key, "b-1", dump);
  EXPECT_LT(file.size(), dump.size() / 3);       // compressed
  EXPECT_EQ(file.find("row 12345"), std::string::npos);  // and not in clear

  PartsVisitor visitor;
  auto read = ReadBackup(file, key, visitor);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_TRUE(visitor.ended);
  EXPECT_EQ(visitor.parts["database.dump"]->data(), dump);

  PartsVisitor other;
  auto refused = ReadBackup(file, KeyOf("t_one"), other);  // same tenant name, another key
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(other.parts.empty());
}

TEST(BackupFile, AnEnvelopeMovedOntoAnotherBackupOrTenantDoesNotOpen) {
  TenantKey key = KeyOf("t_one");
  std::string first = WriteBackup(key, "b-1", "first dump");
  std::string second = WriteBackup(key, "b-2", "second dump");
  std::size_t first_envelope = 0, second_envelope = 0;
  ASSERT_TRUE(DecodeEnvelope(first, first_envelope).has_value());
  ASSERT_TRUE(DecodeEnvelope(second, second_envelope).has_value());
  // b-1's envelope (and so its data key) on b-2's body.
  std::string spliced = first.substr(0, first_envelope) + second.substr(second_envelope);
  PartsVisitor visitor;
  EXPECT_FALSE(ReadBackup(spliced, key, visitor).has_value());
  EXPECT_TRUE(visitor.parts.empty());

  // A lookup that refuses (a restore into another tenant's scope).
  PartsVisitor refused_visitor;
  BackupFileReader reader(
      [](const BackupEnvelope& envelope) -> core::Result<TenantKey> {
        return core::Fail(ErrorCode::kPermissionDenied, "backup of " + envelope.tenant + " is not t_two's");
      },
      refused_visitor);
  auto written = reader.Write(first);
  ASSERT_FALSE(written.has_value());
  EXPECT_NE(written.error().message.find("t_one"), std::string::npos);
}

TEST(BackupFile, TruncationAnywhereIsRefused) {
  TenantKey key = KeyOf("t_one");
  std::string file = WriteBackup(key, "b-1", std::string(300'000, 'z') + core::RandomHex(5000));
  for (std::size_t cut : {std::size_t{5}, std::size_t{40}, file.size() / 2, file.size() - 1}) {
    PartsVisitor visitor;
    EXPECT_FALSE(ReadBackup(file.substr(0, cut), key, visitor).has_value()) << cut;
  }
}

TEST(FanOutUpload, ASiteThatFailsCostsItsCopyNotTheBackup) {
  std::string dir = std::filesystem::temp_directory_path().string() + "/citadel-fanout-" + core::RandomHex(6);
  std::filesystem::create_directories(dir);
  // The "broken" site's root is a regular file: every upload there fails.
  { std::ofstream(dir + "/not-a-directory") << "x"; }
  LocalDirectorySite good_a(dir + "/a"), good_b(dir + "/b"), broken(dir + "/not-a-directory");
  FanOutUpload upload({{"a", &good_a}, {"broken", &broken}, {"b", &good_b}}, "t_one/b-1.cbk");
  ASSERT_TRUE(upload.Write("backup bytes").has_value());
  ASSERT_TRUE(upload.Close().has_value());
  ASSERT_EQ(upload.outcomes().size(), 3u);
  EXPECT_TRUE(upload.outcomes()[0].copy.has_value());
  EXPECT_FALSE(upload.outcomes()[1].copy.has_value());
  EXPECT_FALSE(upload.outcomes()[1].error.empty());
  EXPECT_TRUE(upload.outcomes()[2].copy.has_value());
  EXPECT_EQ(upload.outcomes()[2].copy->size, 12u);

  FanOutUpload none({{"broken", &broken}}, "t_one/b-2.cbk");
  EXPECT_EQ(none.Write("x").error().code, ErrorCode::kUnavailable);
  std::filesystem::remove_all(dir);
}

// More than the per-site queue holds, in pieces of several sizes: the
// producer waits for room, and every site gets every byte in order.
TEST(FanOutUpload, EverySiteGetsTheWholeStreamInOrderPastItsQueue) {
  std::string dir = std::filesystem::temp_directory_path().string() + "/citadel-fanout-" + core::RandomHex(6);
  LocalDirectorySite a(dir + "/a"), b(dir + "/b");
  std::string content;
  for (std::size_t i = 0; content.size() < 3 * FanOutUpload::kQueueBytes; ++i) {
    content += std::string(1 + (i * 7919) % (3 << 20), static_cast<char>('a' + i % 26));
  }
  FanOutUpload upload({{"a", &a}, {"b", &b}}, "t/big.cbk");
  for (std::size_t at = 0, i = 0; at < content.size(); ++i) {
    std::size_t n = std::min<std::size_t>(1 + (i * 104729) % (2 << 20), content.size() - at);
    ASSERT_TRUE(upload.Write(std::string_view(content).substr(at, n)).has_value());
    at += n;
  }
  ASSERT_TRUE(upload.Close().has_value());
  for (const auto& outcome : upload.outcomes()) {
    ASSERT_TRUE(outcome.copy.has_value()) << outcome.site << ": " << outcome.error;
    EXPECT_EQ(outcome.copy->size, content.size());
    EXPECT_EQ(outcome.copy->sha256_hex, core::Sha256Hex(content));
    std::ifstream in(dir + "/" + outcome.site + "/t/big.cbk", std::ios::binary);
    EXPECT_TRUE(std::string(std::istreambuf_iterator<char>(in), {}) == content) << outcome.site;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace citadel::backup
