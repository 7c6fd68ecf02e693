// The SFTP site against a real OpenSSH server (testing/sshd_test_server.hpp):
// the shared site contract, then what only a remote site can do wrong —
// pinning, login, a server that goes down, hangs, refuses writes or fills up.
// Needs sshd and ssh-keygen (label pg: external processes the harness starts).
#include "backup/sftp_site.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "backup/testing/backup_site_contract.hpp"
#include "backup/testing/copy_damages.hpp"
#include "backup/testing/sshd_test_server.hpp"
#include "core/sha256.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;
using testing::SshdTestServer;
using testing::SshdTestServerOptions;

// One server for the whole contract suite; each site it makes gets a fresh,
// empty root below the server's.
SshdTestServer* ContractServer() {
  static std::unique_ptr<SshdTestServer> server = [] {
    auto started = SshdTestServer::Start();
    if (!started) {
      ADD_FAILURE() << started.error().message;
      return std::unique_ptr<SshdTestServer>();
    }
    return std::move(*started);
  }();
  return server.get();
}

std::unique_ptr<BackupSite> MakeContractSite() {
  static int next = 0;
  SshdTestServer* server = ContractServer();
  if (server == nullptr) return std::make_unique<SftpSite>(SftpSiteOptions{});
  std::string root = server->site_root() + "/contract-" + std::to_string(++next);
  ::mkdir(root.c_str(), 0700);
  return std::make_unique<SftpSite>(server->SiteOptions(root));
}

using testing::BackupSiteContract;
INSTANTIATE_TEST_SUITE_P(Sftp, BackupSiteContract,
                         ::testing::Values(testing::SiteFactory{"sftp", MakeContractSite}));

// Bytes that are not all alike, so a misplaced block shows in the digest.
std::string PatternBytes(std::size_t size, std::uint32_t seed = 88172645u) {
  std::string bytes(size, '\0');
  for (auto& byte : bytes) {
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    byte = static_cast<char>(seed & 0xff);
  }
  return bytes;
}

// Writes in sizes that fit no block or request size.
core::Result<void> WriteInOddPieces(SiteUpload& upload, const std::string& content) {
  static constexpr std::size_t kSizes[] = {1, 7, 4093, 65537, 300001, 13, 229377};
  std::size_t at = 0;
  for (std::size_t i = 0; at < content.size(); ++i) {
    std::size_t n = std::min(kSizes[i % std::size(kSizes)], content.size() - at);
    if (auto written = upload.Write(std::string_view(content).substr(at, n)); !written)
      return written;
    at += n;
  }
  return {};
}

core::Result<SiteCopy> Upload(BackupSite& site, const std::string& path,
                              const std::string& content) {
  auto upload = site.BeginUpload(path);
  if (!upload) return core::Unexpected(upload.error());
  if (auto written = WriteInOddPieces(**upload, content); !written)
    return core::Unexpected(written.error());
  return (*upload)->Commit();
}

core::Result<std::string> ReadAll(BackupSite& site, const std::string& path,
                                  std::uint64_t offset = 0) {
  auto reader = site.OpenRead(path, offset);
  if (!reader) return core::Unexpected(reader.error());
  std::string content;
  while (true) {
    auto piece = (*reader)->Read(100'000);
    if (!piece) return core::Unexpected(piece.error());
    if (piece->empty()) return content;
    content += *piece;
  }
}

// The content, or the error's message: comparisons then show why.
std::string ReadText(BackupSite& site, const std::string& path, std::uint64_t offset = 0) {
  auto content = ReadAll(site, path, offset);
  return content ? *content : "error: " + content.error().message;
}

std::set<std::string> Names(BackupSite& site, const std::string& directory) {
  std::set<std::string> names;
  auto entries = site.List(directory);
  EXPECT_TRUE(entries.has_value()) << entries.error().message;
  if (entries) {
    for (const auto& entry : *entries) names.insert(entry.name);
  }
  return names;
}

class SftpSiteTest : public ::testing::Test {
 protected:
  void Serve(SshdTestServerOptions options = {}) {
    auto started = SshdTestServer::Start(options);
    ASSERT_TRUE(started.has_value()) << started.error().message;
    server_ = std::move(*started);
  }
  SftpSite Site(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    return SftpSite(server_->SiteOptions(std::nullopt, timeout));
  }
  SftpSite SiteWith(void (*change)(SftpSiteOptions&)) {
    SftpSiteOptions options = server_->SiteOptions();
    change(options);
    return SftpSite(options);
  }

  std::unique_ptr<SshdTestServer> server_;
};

TEST_F(SftpSiteTest, RoundTripOfAFiveMebibyteFileWrittenInOddPieces) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  std::string content = PatternBytes(5 * 1024 * 1024 + 3);
  auto copy = Upload(site, "t1/backups/b.cbk", content);
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  EXPECT_EQ(copy->path, "t1/backups/b.cbk");
  EXPECT_EQ(copy->size, content.size());
  EXPECT_EQ(copy->sha256_hex, core::Sha256Hex(content));

  auto read = ReadAll(site, "t1/backups/b.cbk");
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_TRUE(*read == content);
  EXPECT_EQ(Names(site, "t1/backups"), std::set<std::string>{"b.cbk"});
  auto file = site.Stat("t1/backups/b.cbk");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->name, "b.cbk");
  EXPECT_EQ(file->size, content.size());
  EXPECT_FALSE(file->directory);
  auto directory = site.Stat("t1");
  ASSERT_TRUE(directory.has_value());
  EXPECT_TRUE(directory->directory);

  ASSERT_TRUE(site.Remove("t1/backups/b.cbk").has_value());
  EXPECT_EQ(site.Stat("t1/backups/b.cbk").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(site.Remove("t1/backups/b.cbk").error().code, ErrorCode::kNotFound);
}

// The commit's re-read (several requests in flight) must see what the
// server holds, not what was sent: a byte changed in the middle, a file cut
// short (its last requests answered short or not at all) and a file longer
// than written are each refused, and nothing is published. The size is a
// whole number of requests, so nothing is left to send at commit and the
// changes made on the server's disk stay as made.
TEST_F(SftpSiteTest, ACopyTheServerChangedIsRefusedAtCommit) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  const std::string content = PatternBytes(28 * 32 * 1024);  // 4 requests of 224 KiB, or 28 of 32 KiB
  const std::string partial = server_->site_root() + "/r/copy.partial";
  for (const auto& [what, change] : testing::CopyDamages()) {
    auto upload = site.BeginUpload("r/copy");
    ASSERT_TRUE(upload.has_value()) << upload.error().message;
    ASSERT_TRUE(WriteInOddPieces(**upload, content).has_value()) << what;
    change(partial);
    auto committed = (*upload)->Commit();
    ASSERT_FALSE(committed.has_value()) << what;
    EXPECT_EQ(committed.error().code, ErrorCode::kIo) << what;
    EXPECT_NE(committed.error().message.find("differs from what was written"), std::string::npos)
        << what << ": " << committed.error().message;
    (*upload)->Abort();
    EXPECT_EQ(site.Stat("r/copy").error().code, ErrorCode::kNotFound) << what;
  }
  // Unchanged, the same upload commits.
  auto copy = Upload(site, "r/copy", content);
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  EXPECT_EQ(copy->sha256_hex, core::Sha256Hex(content));
}

TEST_F(SftpSiteTest, FilesAreOnlyReadableByTheSiteUser) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  ASSERT_TRUE(Upload(site, "t/secret", "x").has_value());
  struct stat info {};
  ASSERT_EQ(::stat((server_->site_root() + "/t/secret").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((server_->site_root() + "/t").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(SftpSiteTest, ReadsFromAnOffset) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  ASSERT_TRUE(Upload(site, "digits", "0123456789").has_value());
  EXPECT_EQ(ReadText(site, "digits", 4), "456789");
  EXPECT_EQ(ReadText(site, "digits", 10), "");
  EXPECT_EQ(ReadText(site, "digits", 1000), "");
}

// A reader reads ahead over the size the file had when opened; a file that
// grew or shrank since still reads as it now is, whole and in order.
TEST_F(SftpSiteTest, AReaderGivesTheFileAsItIsEvenIfItsSizeChangedAfterOpening) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  const std::string content = PatternBytes((3 << 20) + 5);
  ASSERT_TRUE(Upload(site, "g/grows", content).has_value());
  ASSERT_TRUE(Upload(site, "g/shrinks", content).has_value());
  auto grows = site.OpenRead("g/grows", 1000);
  auto shrinks = site.OpenRead("g/shrinks", 0);
  ASSERT_TRUE(grows.has_value() && shrinks.has_value());
  std::ofstream(server_->site_root() + "/g/grows", std::ios::app | std::ios::binary) << "more";
  std::filesystem::resize_file(server_->site_root() + "/g/shrinks", 1'000'003);
  auto all = [](SiteReader& reader) {
    std::string out;
    while (true) {
      auto piece = reader.Read(150'001);
      if (!piece) return "error: " + piece.error().message;
      if (piece->empty()) return out;
      out += *piece;
    }
  };
  EXPECT_TRUE(all(**grows) == content.substr(1000) + "more");
  EXPECT_TRUE(all(**shrinks) == content.substr(0, 1'000'003));
}

TEST_F(SftpSiteTest, CommitRefusesAFinalNameThatAppearedMeanwhile) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  {
    auto late = site.BeginUpload("x/same");
    ASSERT_TRUE(late.has_value()) << late.error().message;
    ASSERT_TRUE((*late)->Write("second").has_value());
    // Another writer (not this site: it would share the ".partial") wins.
    std::ofstream(server_->site_root() + "/x/same") << "first";
    auto committed = (*late)->Commit();
    ASSERT_FALSE(committed.has_value());
    EXPECT_EQ(committed.error().code, ErrorCode::kAlreadyExists);
  }
  EXPECT_EQ(ReadText(site, "x/same"), "first");
  EXPECT_EQ(Names(site, "x"), std::set<std::string>{"same"});
  EXPECT_EQ(site.BeginUpload("x/same").error().code, ErrorCode::kAlreadyExists);
}

TEST_F(SftpSiteTest, AbortAndDroppingAnUploadLeaveNoPartialFile) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  {
    auto upload = site.BeginUpload("a/aborted");
    ASSERT_TRUE(upload.has_value());
    ASSERT_TRUE((*upload)->Write("bytes").has_value());
    (*upload)->Abort();
    (*upload)->Abort();  // twice is harmless
    EXPECT_EQ((*upload)->Commit().error().code, ErrorCode::kInternal);
  }
  {
    auto upload = site.BeginUpload("a/dropped");
    ASSERT_TRUE(upload.has_value());
    ASSERT_TRUE((*upload)->Write("bytes").has_value());
  }
  EXPECT_TRUE(Names(site, "a").empty());
}

TEST_F(SftpSiteTest, PathsOutsideTheRootAreRefusedBeforeConnecting) {
  SftpSite site(SftpSiteOptions{"127.0.0.1", 1, "nobody", "/nonexistent", "", "/srv",
                                std::chrono::milliseconds(100)});
  for (const char* path : {"../x", "/abs", "a//b", "a/../../b", ""}) {
    EXPECT_EQ(site.BeginUpload(path).error().code, ErrorCode::kInvalidArgument) << path;
    EXPECT_EQ(site.OpenRead(path, 0).error().code, ErrorCode::kInvalidArgument) << path;
    EXPECT_EQ(site.Stat(path).error().code, ErrorCode::kInvalidArgument) << path;
    EXPECT_EQ(site.Remove(path).error().code, ErrorCode::kInvalidArgument) << path;
  }
  EXPECT_EQ(site.List("../x").error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SftpSiteTest, AnotherHostKeyIsRefusedAndTheMessageShowsThePresentedOne) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  std::string presented = server_->host_public_key();
  std::string base64 = presented.substr(presented.find(' ') + 1);
  auto other = server_->MakeUnknownClientKey();
  ASSERT_TRUE(other.has_value());
  std::ifstream other_public(*other + ".pub");
  std::string other_line;
  std::getline(other_public, other_line);
  for (const std::string& pin : {other_line, std::string(), std::string("not a key at all")}) {
    SftpSiteOptions options = server_->SiteOptions();
    options.pinned_host_key = pin;
    SftpSite site(options);
    auto stat = site.Stat("anything");
    ASSERT_FALSE(stat.has_value()) << pin;
    EXPECT_EQ(stat.error().code, ErrorCode::kUnavailable) << pin;
    EXPECT_NE(stat.error().message.find(base64), std::string::npos) << stat.error().message;
    EXPECT_NE(stat.error().message.find("SHA256:"), std::string::npos) << stat.error().message;
    EXPECT_EQ(stat.error().message.find("PRIVATE"), std::string::npos);
  }
}

TEST_F(SftpSiteTest, APinOfAnotherKeyTypeShowsTheKeyTheServerHas) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  auto ecdsa = server_->MakeUnknownClientKey("ecdsa");
  ASSERT_TRUE(ecdsa.has_value());
  std::ifstream ecdsa_public(*ecdsa + ".pub");
  SftpSiteOptions options = server_->SiteOptions();
  std::getline(ecdsa_public, options.pinned_host_key);
  SftpSite site(options);
  auto stat = site.Stat("anything");
  ASSERT_FALSE(stat.has_value());
  EXPECT_EQ(stat.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(stat.error().message.find(server_->host_public_key()), std::string::npos)
      << stat.error().message;
}

TEST_F(SftpSiteTest, KnownHostsAndKeyscanLinesArePinsToo) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  std::string port = std::to_string(server_->port());
  for (const std::string& pin :
       {"[127.0.0.1]:" + port + " " + server_->host_public_key() + " comment",
        "127.0.0.1 " + server_->host_public_key(), "  " + server_->host_public_key() + "\n"}) {
    SftpSiteOptions options = server_->SiteOptions();
    options.pinned_host_key = pin;
    SftpSite site(options);
    EXPECT_TRUE(site.List("").has_value()) << pin;
  }
}

TEST_F(SftpSiteTest, FetchHostKeyShowsTheKeyToPin) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  auto key = SftpSite::FetchHostKey(server_->host(), server_->port(), std::chrono::seconds(5));
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ(*key, server_->host_public_key());
  ASSERT_TRUE(server_->Stop().has_value());
  auto down = SftpSite::FetchHostKey(server_->host(), server_->port(), std::chrono::seconds(5));
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
}

TEST_F(SftpSiteTest, UnknownUserAndUnknownKeyCannotLogIn) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  auto unknown_key = server_->MakeUnknownClientKey();
  ASSERT_TRUE(unknown_key.has_value());
  SftpSite stranger = SiteWith([](SftpSiteOptions& o) { o.user = "no-such-user-citadel"; });
  SftpSite missing_key = SiteWith([](SftpSiteOptions& o) { o.private_key_path += ".missing"; });
  SftpSiteOptions options = server_->SiteOptions();
  options.private_key_path = *unknown_key;
  SftpSite wrong_key(options);
  for (SftpSite* site : {&stranger, &wrong_key, &missing_key}) {
    auto stat = site->Stat("anything");
    ASSERT_FALSE(stat.has_value());
    EXPECT_EQ(stat.error().code, ErrorCode::kUnavailable) << stat.error().message;
    EXPECT_NE(stat.error().message.find("log in"), std::string::npos) << stat.error().message;
  }
}

TEST_F(SftpSiteTest, ServerStoppedMidUploadFailsTheCopyAndSpoilsNothing) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  std::string kept = PatternBytes(100'000, 7);
  ASSERT_TRUE(Upload(site, "keep", kept).has_value());
  {
    auto upload = site.BeginUpload("big");
    ASSERT_TRUE(upload.has_value());
    ASSERT_TRUE((*upload)->Write(PatternBytes(1 << 20)).has_value());
    ASSERT_TRUE(server_->Stop().has_value());
    auto written = (*upload)->Write(PatternBytes(1 << 20));
    ASSERT_FALSE(written.has_value());
    EXPECT_EQ(written.error().code, ErrorCode::kUnavailable) << written.error().message;
  }
  EXPECT_EQ(site.Stat("keep").error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(server_->Restart().has_value()) << server_->Log();
  EXPECT_EQ(site.Stat("big").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(ReadText(site, "keep") == kept);
  // The retry overwrites whatever ".partial" the failed copy left behind.
  std::string content = PatternBytes(2 << 20, 3);
  auto copy = Upload(site, "big", content);
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  EXPECT_EQ(copy->sha256_hex, core::Sha256Hex(content));
  EXPECT_EQ(Names(site, ""), (std::set<std::string>{"big", "keep"}));
}

TEST_F(SftpSiteTest, HungServerTimesOutInsteadOfHangingTheBackup) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site(std::chrono::milliseconds(1000));
  {
    auto upload = site.BeginUpload("slow");
    ASSERT_TRUE(upload.has_value());
    ASSERT_TRUE((*upload)->Write("first").has_value());
    server_->Freeze();
    auto started = std::chrono::steady_clock::now();
    auto written = (*upload)->Write(PatternBytes(1 << 20));
    auto waited = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(written.has_value());
    EXPECT_EQ(written.error().code, ErrorCode::kTimeout) << written.error().message;
    EXPECT_LT(waited, std::chrono::seconds(5));
    auto connect_started = std::chrono::steady_clock::now();
    EXPECT_FALSE(site.Stat("slow").has_value());
    EXPECT_LT(std::chrono::steady_clock::now() - connect_started, std::chrono::seconds(5));
    server_->Thaw();
  }
  EXPECT_EQ(site.Stat("slow").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Names(site, "").empty());
}

TEST_F(SftpSiteTest, ReadOnlyServerRefusesTheUploadAndNothingAppears) {
  SshdTestServerOptions read_only;
  read_only.read_only = true;
  ASSERT_NO_FATAL_FAILURE(Serve(read_only));
  SftpSite site = Site();
  auto upload = site.BeginUpload("dir/file");
  ASSERT_FALSE(upload.has_value());
  EXPECT_EQ(upload.error().code, ErrorCode::kPermissionDenied) << upload.error().message;
  auto flat = site.BeginUpload("file");
  ASSERT_FALSE(flat.has_value());
  EXPECT_EQ(flat.error().code, ErrorCode::kPermissionDenied) << flat.error().message;
  EXPECT_EQ(site.Stat("file").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Names(site, "").empty());
  SiteHealth health = site.Check();
  EXPECT_TRUE(health.reachable);
  EXPECT_FALSE(health.writable);
  EXPECT_FALSE(health.detail.empty());
}

// sftp-server says "failure" for a file size limit exactly as for ENOSPC;
// with plenty of free space the site calls it an I/O error.
TEST_F(SftpSiteTest, WriteRefusedMidStreamFailsTheCopyAndKeepsTheOthers) {
  SshdTestServerOptions limited;
  limited.max_file_bytes = 1 << 20;
  ASSERT_NO_FATAL_FAILURE(Serve(limited));
  SftpSite site = Site();
  std::string kept = PatternBytes(100'000, 11);
  ASSERT_TRUE(Upload(site, "keep", kept).has_value());
  auto copy = Upload(site, "big", PatternBytes(3 << 20));
  ASSERT_FALSE(copy.has_value());
  EXPECT_EQ(copy.error().code, ErrorCode::kIo) << copy.error().message;
  EXPECT_NE(copy.error().message.find("bytes free"), std::string::npos) << copy.error().message;
  EXPECT_EQ(site.Stat("big").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Names(site, ""), std::set<std::string>{"keep"});
  EXPECT_TRUE(ReadText(site, "keep") == kept);
}

TEST_F(SftpSiteTest, FullDiskIsResourceExhausted) {
  SshdTestServerOptions small_disk;
  small_disk.filesystem_bytes = 2 << 20;
  auto started = SshdTestServer::Start(small_disk);
  if (!started && started.error().code == ErrorCode::kPermissionDenied)
    GTEST_SKIP() << started.error().message;
  ASSERT_TRUE(started.has_value()) << started.error().message;
  server_ = std::move(*started);
  SftpSite site = Site();
  std::string kept = PatternBytes(100'000, 5);
  ASSERT_TRUE(Upload(site, "keep", kept).has_value());
  auto copy = Upload(site, "big", PatternBytes(4 << 20));
  ASSERT_FALSE(copy.has_value());
  EXPECT_EQ(copy.error().code, ErrorCode::kResourceExhausted) << copy.error().message;
  EXPECT_EQ(Names(site, ""), std::set<std::string>{"keep"});
  EXPECT_TRUE(ReadText(site, "keep") == kept);
  SiteHealth health = site.Check();
  EXPECT_TRUE(health.writable) << health.detail;
  ASSERT_TRUE(health.free_bytes.has_value());
  EXPECT_LE(*health.free_bytes, std::uint64_t{2} << 20);
}

TEST_F(SftpSiteTest, CheckReportsReachableWritableAndFreeSpace) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  SiteHealth health = site.Check();
  EXPECT_TRUE(health.reachable) << health.detail;
  EXPECT_TRUE(health.writable) << health.detail;
  ASSERT_TRUE(health.free_bytes.has_value());
  EXPECT_GT(*health.free_bytes, 0u);
  EXPECT_TRUE(Names(site, "").empty());

  ASSERT_TRUE(server_->Stop().has_value());
  SiteHealth down = site.Check();
  EXPECT_FALSE(down.reachable);
  EXPECT_FALSE(down.writable);
  EXPECT_NE(down.detail.find("cannot connect"), std::string::npos) << down.detail;
}

TEST_F(SftpSiteTest, AMissingRootIsNotCreated) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site(server_->SiteOptions(server_->site_root() + "/unmounted"));
  auto upload = site.BeginUpload("a/b");
  ASSERT_FALSE(upload.has_value());
  EXPECT_EQ(upload.error().code, ErrorCode::kNotFound);
  EXPECT_NE(upload.error().message.find("does not exist"), std::string::npos)
      << upload.error().message;
  EXPECT_EQ(site.List("").error().code, ErrorCode::kNotFound);
}

TEST_F(SftpSiteTest, WorksAgainAfterTheServerCameBack) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  SftpSite site = Site();
  ASSERT_TRUE(Upload(site, "one", "1").has_value());
  ASSERT_TRUE(server_->Restart().has_value()) << server_->Log();
  EXPECT_EQ(ReadText(site, "one"), "1");
  ASSERT_TRUE(Upload(site, "two", "2").has_value());
}

}  // namespace
}  // namespace citadel::backup
