// FileStore: round trip, content addressing and dedupe, the size bound,
// faults (injected with FakeFileSystem; a failed rename on a real
// directory), corruption found on read, references that cannot name a path
// outside the root, concurrent writers, and the garbage collector keeping
// live and young files.
#include "orm/file_store.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/fake_file_system.hpp"

namespace citadel::orm {
namespace {

using namespace std::chrono_literals;

const std::string kRoot = "/data/filestore/t_abc";

std::string PathOf(const std::string& reference) {
  const auto parsed = FileReference::Parse(reference);
  return kRoot + "/" + parsed->sha256.substr(0, 2) + "/" + parsed->sha256;
}

// A fresh directory under /tmp, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "filestore-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> Names(const std::string& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(FileStore, Sha256OfKnownText) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FileStore, RoundTripKeepsEveryByte) {
  core::FakeFileSystem fs;
  FileStore store(kRoot, fs);
  constexpr char kBytes[] = "zero\0bytes\xff\x80 kept";
  const std::string content(kBytes, sizeof(kBytes) - 1);  // 17 bytes, the NUL inside included
  auto reference = store.Put(content);
  ASSERT_TRUE(reference) << reference.error().message;
  EXPECT_EQ(*reference, "sha256:" + Sha256Hex(content) + ":17");
  EXPECT_EQ(*fs.ReadFile(PathOf(*reference)), content) << "stored under <root>/<2 hex>/<sha256>";
  EXPECT_EQ(fs.ModeOf(PathOf(*reference)), 0600);
  auto read = store.Get(*reference);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, content);
}

TEST(FileStore, SyncsTheDirectoryOfEveryNewFile) {
  core::FakeFileSystem fs;
  FileStore store(kRoot, fs);
  const std::string first = *store.Put("one");
  const std::string shard = kRoot + "/" + FileReference::Parse(first)->sha256.substr(0, 2);
  EXPECT_EQ(fs.SyncedDirectories(), (std::vector<std::string>{shard, kRoot}))
      << "the file's directory, and the root for a new directory";
}

TEST(FileStore, SameContentTwiceIsStoredOnce) {
  core::FakeClock clock;
  core::FakeFileSystem fs;
  fs.clock = &clock;
  FileStore store(kRoot, fs, {}, clock);
  const std::string first = *store.Put("same");
  const std::string path = PathOf(first);
  fs.SetModified(path, clock.UnixSeconds() - 7200);
  fs.fail_writes.insert(path);  // a second write would fail: there must be none
  auto second = store.Put("same");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*second, first);
  EXPECT_EQ(fs.Status(path)->modified_unix, clock.UnixSeconds())
      << "an existing file found by Put is renewed for the garbage collector";
  EXPECT_NE(*store.Put("other"), first);
}

TEST(FileStore, ValuesOverTheMaximumAreRefused) {
  core::FakeFileSystem fs;
  FileStore store(kRoot, fs, FileStoreOptions{.max_bytes = 10});
  EXPECT_TRUE(store.Put(std::string(10, 'x')));
  auto refused = store.Put(std::string(11, 'x'));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs.Exists(kRoot + "/" + Sha256Hex(std::string(11, 'x')).substr(0, 2)));
  EXPECT_EQ(FileStore(kRoot, fs).max_bytes(), 64u * 1024 * 1024) << "the default: 64 MiB";
}

TEST(FileStore, AFailedWriteStoresNothing) {
  core::FakeFileSystem fs;
  FileStore store(kRoot, fs);
  const std::string hex = Sha256Hex("lost");
  fs.fail_writes.insert(kRoot + "/" + hex.substr(0, 2) + "/" + hex);
  auto result = store.Put("lost");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kIo);
  EXPECT_FALSE(store.Get("sha256:" + hex + ":4"));
}

TEST(FileStore, AFailedRenameLeavesNoTemporaryFile) {
  TempDir dir;
  FileStore store(dir.path(), core::RealFileSystem::Instance());
  // A non-empty directory where the file should go: the rename fails.
  const std::string hex = Sha256Hex("blocked");
  const std::string target = dir.path() + "/" + hex.substr(0, 2) + "/" + hex;
  std::filesystem::create_directories(target + "/inside");
  auto result = store.Put("blocked");
  ASSERT_FALSE(result);
  EXPECT_EQ(Names(dir.path() + "/" + hex.substr(0, 2)), std::vector<std::string>{hex})
      << "the temporary file was removed";
}

TEST(FileStore, RealDirectoryRoundTripAndPermissions) {
  TempDir dir;
  FileStore store(dir.path() + "/filestore/t_x", core::RealFileSystem::Instance());
  std::string content(100000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
  auto reference = store.Put(content);
  ASSERT_TRUE(reference) << reference.error().message;
  const std::string hex = FileReference::Parse(*reference)->sha256;
  const std::string path = dir.path() + "/filestore/t_x/" + hex.substr(0, 2) + "/" + hex;
  std::ifstream file(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(file), {}), content);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*store.Get(*reference), content);
  EXPECT_EQ(Names(dir.path() + "/filestore/t_x/" + hex.substr(0, 2)), std::vector<std::string>{hex})
      << "no temporary file left";
}

TEST(FileStore, ReadsCheckSizeAndHash) {
  core::FakeFileSystem fs;
  FileStore store(kRoot, fs);
  const std::string reference = *store.Put("original");
  ASSERT_TRUE(fs.WriteFileAtomic(PathOf(reference), "originaX", 0600));
  auto altered = store.Get(reference);
  ASSERT_FALSE(altered);
  EXPECT_EQ(altered.error().code, core::ErrorCode::kInternal);
  ASSERT_TRUE(fs.WriteFileAtomic(PathOf(reference), "origin", 0600));
  auto truncated = store.Get(reference);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, core::ErrorCode::kInternal);
  ASSERT_TRUE(fs.RemoveFile(PathOf(reference)));
  auto missing = store.Get(reference);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::kNotFound);
}

TEST(FileStore, ReferencesAreParsedStrictly) {
  const std::string hex = Sha256Hex("x");
  auto parsed = FileReference::Parse("sha256:" + hex + ":1");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->sha256, hex);
  EXPECT_EQ(parsed->size, 1u);
  EXPECT_EQ(parsed->ToString(), "sha256:" + hex + ":1");
  EXPECT_TRUE(FileReference::Parse("sha256:" + hex + ":0"));
  for (const std::string& bad : std::vector<std::string>{
           "", "sha256:", "sha1:" + hex + ":1", "sha256:" + hex, "sha256:" + hex + ":",
           "sha256:" + hex + ":01", "sha256:" + hex + ":-1", "sha256:" + hex + ":1 ",
           "sha256:" + hex + ":99999999999999999999", "sha256:" + hex.substr(1) + ":1",
           "sha256:" + hex + "0:1", "SHA256:" + hex + ":1",
           "sha256:../../../../etc/passwd" + std::string(36, 'a') + ":1",
           "sha256:" + std::string(64, 'A') + ":1"}) {
    EXPECT_FALSE(FileReference::Parse(bad)) << bad;
  }
  core::FakeFileSystem fs;
  FileStore store(kRoot, fs);
  auto refused = store.Get("sha256:../../../../etc/passwd:1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kInvalidArgument);
}

TEST(FileStore, ConcurrentWritersOfTheSameAndOtherContents) {
  TempDir dir;
  FileStore store(dir.path(), core::RealFileSystem::Instance());
  std::vector<std::thread> threads;
  std::vector<std::string> shared(8), own(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        shared[t] = store.Put(std::string(50000, 's')).value_or("failed");
        own[t] = store.Put("thread " + std::to_string(t)).value_or("failed");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) {
    EXPECT_EQ(shared[t], "sha256:" + Sha256Hex(std::string(50000, 's')) + ":50000");
    EXPECT_EQ(*store.Get(own[t]), "thread " + std::to_string(t));
  }
  EXPECT_EQ(*store.Get(shared[0]), std::string(50000, 's'));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (entry.is_regular_file()) {
      ++files;
      EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
    }
  }
  EXPECT_EQ(files, 9u) << "one shared file and one per thread";
}

TEST(FileStore, GarbageCollectionKeepsLiveAndYoungFiles) {
  core::FakeClock clock;
  core::FakeFileSystem fs;
  fs.clock = &clock;
  FileStore store(kRoot, fs, {}, clock);
  const std::string live = *store.Put("live");
  const std::string dead = *store.Put("dead");
  const std::string renewed = *store.Put("renewed");
  const std::string retained = *store.Put("retained");
  const std::string old_temporary = PathOf(dead) + ".tmp-0123456789ab";
  ASSERT_TRUE(fs.WriteFileAtomic(old_temporary, "half", 0600));
  const std::string foreign =
      kRoot + "/" + FileReference::Parse(dead)->sha256.substr(0, 2) + "/notes.txt";
  ASSERT_TRUE(fs.WriteFileAtomic(foreign, "not the store's", 0600));
  clock.Advance(59min);
  const std::string young = *store.Put("young");
  auto early = store.CollectGarbage({live});
  ASSERT_TRUE(early) << early.error().message;
  EXPECT_EQ(early->removed, 0u) << "nothing is an hour old yet";
  EXPECT_EQ(early->young, 5u);

  clock.Advance(2min);
  EXPECT_EQ(*store.Put("renewed"), renewed);  // found again: renewed
  EXPECT_TRUE(store.Retain(retained));        // a copy now refers to it
  auto report = store.CollectGarbage({live, "not a reference"});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->kept, 1u);
  EXPECT_EQ(report->young, 3u) << "young, renewed and retained";
  EXPECT_EQ(report->removed, 1u);
  EXPECT_EQ(report->temporaries_removed, 1u);
  EXPECT_EQ(report->failures, 0u);
  EXPECT_TRUE(store.Get(live));
  EXPECT_TRUE(store.Get(young));
  EXPECT_TRUE(store.Get(renewed));
  EXPECT_TRUE(store.Get(retained));
  EXPECT_EQ(store.Get(dead).error().code, core::ErrorCode::kNotFound);
  EXPECT_FALSE(fs.Exists(old_temporary));
  EXPECT_TRUE(fs.Exists(foreign)) << "files the store did not name are left alone";
}

TEST(FileStore, GarbageCollectionOnARealDirectory) {
  TempDir dir;
  FileStore store(dir.path(), core::RealFileSystem::Instance());
  const std::string kept = *store.Put("kept");
  const std::string young = *store.Put("young");
  const std::string old = *store.Put("old");
  const struct timespec two_hours_ago[2] = {{::time(nullptr) - 7200, 0},
                                            {::time(nullptr) - 7200, 0}};
  const std::string old_path = dir.path() + "/" + FileReference::Parse(old)->sha256.substr(0, 2) +
                               "/" + FileReference::Parse(old)->sha256;
  ASSERT_EQ(::utimensat(AT_FDCWD, old_path.c_str(), two_hours_ago, 0), 0);
  auto report = store.CollectGarbage({kept});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->removed, 1u);
  EXPECT_EQ(report->young, 1u);
  EXPECT_FALSE(std::filesystem::exists(old_path));
  EXPECT_TRUE(store.Get(kept));
  EXPECT_TRUE(store.Get(young));
}

TEST(FileStore, GarbageCollectionOfAnEmptyStore) {
  core::FakeFileSystem fs;
  FileStore store(kRoot, fs);
  auto report = store.CollectGarbage({});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->removed + report->kept + report->young, 0u);
}

// A stand-in for the platform's sealing: names a file by its SHA-256
// reversed and writes "sealed:" + content. Enough to see that the store
// names, writes and reads through the sealing, and refuses a bad name.
class ToySealing final : public FileSealing {
 public:
  explicit ToySealing(std::string bad_name = "") : bad_name_(std::move(bad_name)) {}
  core::Result<std::string> FileName(std::string_view sha256_hex) const override {
    if (!bad_name_.empty()) return bad_name_;
    return std::string(sha256_hex.rbegin(), sha256_hex.rend());
  }
  core::Result<std::string> Seal(std::string_view, std::string_view content) const override {
    return "sealed:" + std::string(content);
  }
  core::Result<std::string> Open(std::string_view, std::string_view sealed) const override {
    if (!sealed.starts_with("sealed:")) return core::Fail(core::ErrorCode::kInvalidArgument, "not sealed");
    return std::string(sealed.substr(7));
  }
  std::uint64_t SealedSize(std::uint64_t content_size) const override { return content_size + 7; }

 private:
  std::string bad_name_;
};

TEST(FileStore, NamesWritesAndReadsThroughItsSealing) {
  core::FakeFileSystem fs;
  FileStoreOptions options;
  options.sealing = std::make_shared<ToySealing>();
  FileStore store(kRoot, fs, options);
  auto reference = store.Put("a document");
  ASSERT_TRUE(reference) << reference.error().message;
  const std::string sha = Sha256Hex("a document");
  const std::string name(sha.rbegin(), sha.rend());
  EXPECT_EQ(*fs.ReadFile(kRoot + "/" + name.substr(0, 2) + "/" + name), "sealed:a document");
  EXPECT_FALSE(fs.Exists(PathOf(*reference))) << "never under the plain SHA-256";
  EXPECT_EQ(*store.Get(*reference), "a document");
  ASSERT_TRUE(fs.WriteFileAtomic(kRoot + "/" + name.substr(0, 2) + "/" + name, "tampered!!", 0600));
  auto read = store.Get(*reference);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, core::ErrorCode::kInternal) << "a file that does not open is damaged";
}

TEST(FileStore, RefusesANameTheSealingGetsWrong) {
  core::FakeFileSystem fs;
  FileStoreOptions options;
  options.sealing = std::make_shared<ToySealing>("../../../etc/passwd");
  FileStore store(kRoot, fs, options);
  auto reference = store.Put("x");
  ASSERT_FALSE(reference);
  EXPECT_EQ(reference.error().code, core::ErrorCode::kInternal);
  EXPECT_FALSE(store.CollectGarbage({}));
}

}  // namespace
}  // namespace citadel::orm
