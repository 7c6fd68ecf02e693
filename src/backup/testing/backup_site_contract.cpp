#include "backup/testing/backup_site_contract.hpp"

#include <algorithm>
#include <string>

#include "core/sha256.hpp"

namespace citadel::backup::testing {
namespace {

using core::ErrorCode;

// Bytes that are not all alike, so a misplaced block shows in the digest.
std::string PatternBytes(std::size_t size) {
  std::string bytes(size, '\0');
  std::uint32_t state = 2463534242u;
  for (auto& byte : bytes) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    byte = static_cast<char>(state & 0xff);
  }
  return bytes;
}

std::string ReadAll(BackupSite& site, const std::string& path, std::uint64_t offset = 0) {
  auto reader = site.OpenRead(path, offset);
  EXPECT_TRUE(reader.has_value()) << reader.error().message;
  if (!reader) return {};
  std::string content;
  while (true) {
    auto piece = (*reader)->Read(100'000);
    EXPECT_TRUE(piece.has_value());
    if (!piece || piece->empty()) break;
    content += *piece;
  }
  return content;
}

core::Result<SiteCopy> Upload(BackupSite& site, const std::string& path, const std::string& content) {
  auto upload = site.BeginUpload(path);
  if (!upload) return core::Unexpected(upload.error());
  // Odd-sized writes, so no implementation relies on aligned blocks.
  std::size_t at = 0, step = 7;
  while (at < content.size()) {
    std::size_t n = std::min(step, content.size() - at);
    if (auto written = (*upload)->Write(std::string_view(content).substr(at, n)); !written) {
      return core::Unexpected(written.error());
    }
    at += n;
    step = step * 3 + 1;
    if (step > 300'000) step = 11;
  }
  return (*upload)->Commit();
}

bool Lists(BackupSite& site, const std::string& directory, const std::string& name) {
  auto entries = site.List(directory);
  if (!entries) return false;
  for (const auto& entry : *entries) {
    if (entry.name == name) return true;
  }
  return false;
}

TEST_P(BackupSiteContract, UploadCommitsAndReadsBackTheSameBytes) {
  std::string content = PatternBytes(5 * 1024 * 1024 + 13);
  auto copy = Upload(site(), "tenant-1/backups/b1.cbk", content);
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  EXPECT_EQ(copy->path, "tenant-1/backups/b1.cbk");
  EXPECT_EQ(copy->size, content.size());
  EXPECT_EQ(copy->sha256_hex, core::Sha256Hex(content));
  EXPECT_EQ(ReadAll(site(), "tenant-1/backups/b1.cbk"), content);
  EXPECT_EQ(ReadAll(site(), "tenant-1/backups/b1.cbk", 1'000'001), content.substr(1'000'001));

  auto stat = site().Stat("tenant-1/backups/b1.cbk");
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->size, content.size());
  EXPECT_FALSE(stat->directory);
  EXPECT_TRUE(Lists(site(), "tenant-1/backups", "b1.cbk"));
  EXPECT_FALSE(Lists(site(), "tenant-1/backups", "b1.cbk.partial"));
  EXPECT_TRUE(Lists(site(), "", "tenant-1"));
}

TEST_P(BackupSiteContract, EmptyFileIsACopyToo) {
  auto copy = Upload(site(), "empty", "");
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  EXPECT_EQ(copy->size, 0u);
  EXPECT_EQ(ReadAll(site(), "empty"), "");
}

TEST_P(BackupSiteContract, NothingIsVisibleUnderTheFinalNameBeforeCommit) {
  auto upload = site().BeginUpload("a/pending");
  ASSERT_TRUE(upload.has_value());
  ASSERT_TRUE((*upload)->Write("half").has_value());
  EXPECT_EQ(site().Stat("a/pending").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE((*upload)->Commit().has_value());
  EXPECT_TRUE(site().Stat("a/pending").has_value());
}

TEST_P(BackupSiteContract, AbortLeavesNothing) {
  {
    auto upload = site().BeginUpload("a/aborted");
    ASSERT_TRUE(upload.has_value());
    ASSERT_TRUE((*upload)->Write("some bytes").has_value());
    (*upload)->Abort();
  }
  {
    auto upload = site().BeginUpload("a/dropped");  // destroyed without Commit: aborted
    ASSERT_TRUE(upload.has_value());
    ASSERT_TRUE((*upload)->Write("some bytes").has_value());
  }
  auto entries = site().List("a");
  if (entries) {
    EXPECT_TRUE(entries->empty()) << entries->front().name;
  }
}

TEST_P(BackupSiteContract, CommitNeverReplacesAnExistingCopy) {
  ASSERT_TRUE(Upload(site(), "x/same", "first").has_value());
  auto second = Upload(site(), "x/same", "second");
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(site(), "x/same"), "first");
}

TEST_P(BackupSiteContract, RemoveDeletesAndReportsMissingFiles) {
  ASSERT_TRUE(Upload(site(), "r/file", "content").has_value());
  ASSERT_TRUE(site().Remove("r/file").has_value());
  EXPECT_EQ(site().Stat("r/file").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(site().Remove("r/file").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(site().OpenRead("r/file", 0).error().code, ErrorCode::kNotFound);
}

TEST_P(BackupSiteContract, ListOfAMissingDirectoryIsNotFound) {
  auto entries = site().List("no/such/directory");
  ASSERT_FALSE(entries.has_value());
  EXPECT_EQ(entries.error().code, ErrorCode::kNotFound);
}

TEST_P(BackupSiteContract, PathsOutsideTheRootAreRefused) {
  for (const char* path : {"../escape", "/etc/passwd", "a//b", "a/./b", "a/../../b", "", "a/b/", "name with space",
                           "semi;colon", "new\nline"}) {
    auto upload = site().BeginUpload(path);
    ASSERT_FALSE(upload.has_value()) << path;
    EXPECT_EQ(upload.error().code, ErrorCode::kInvalidArgument) << path;
    EXPECT_EQ(site().OpenRead(path, 0).error().code, ErrorCode::kInvalidArgument) << path;
    EXPECT_EQ(site().Remove(path).error().code, ErrorCode::kInvalidArgument) << path;
    EXPECT_EQ(site().Stat(path).error().code, ErrorCode::kInvalidArgument) << path;
  }
}

TEST_P(BackupSiteContract, CheckReportsAWritableSiteAndLeavesNoProbe) {
  SiteHealth health = site().Check();
  EXPECT_TRUE(health.reachable) << health.detail;
  EXPECT_TRUE(health.writable) << health.detail;
  ASSERT_TRUE(health.free_bytes.has_value());
  EXPECT_GT(*health.free_bytes, 0u);
  auto entries = site().List("");
  if (entries) {
    EXPECT_TRUE(entries->empty());
  }
}

}  // namespace
}  // namespace citadel::backup::testing
