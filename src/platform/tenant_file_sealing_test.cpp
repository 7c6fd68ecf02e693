// The sealed file store: a FileStore with TenantFileSealing on a real
// directory. Round trip; nothing on disk shows the content or its SHA-256;
// a file altered, cut, swapped for another or sealed under another key is
// refused; a backup can open a file knowing only its name; a tenant whose
// key is missing or destroyed gets a store that refuses (and whose garbage
// collector removes nothing).
#include "platform/tenant_file_sealing.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "backup/tenant_key_store.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "orm/file_store.hpp"
#include "platform/tenant_file_stores.hpp"

namespace citadel::platform {
namespace {

namespace fs = std::filesystem;

class SealedStoreDir {
 public:
  SealedStoreDir() {
    std::string pattern = (fs::temp_directory_path() / "sealed-store-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~SealedStoreDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string RandomKey() {
  auto bytes = core::RandomBytes(32);
  return std::string(bytes.begin(), bytes.end());
}

std::unique_ptr<orm::FileStore> SealedStore(const std::string& root, std::string_view key) {
  orm::FileStoreOptions options;
  options.sealing = std::make_shared<TenantFileSealing>(key);
  return std::make_unique<orm::FileStore>(root, core::RealFileSystem::Instance(), options);
}

std::vector<fs::path> FilesUnder(const std::string& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteAll(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A document of several sealed chunks with a recognisable phrase in it.
std::string Document() {
  std::string text;
  while (text.size() < 3 * kFileSealingChunkBytes + 100) text += "CONFIDENTIAL payroll of ACME; ";
  return text;
}

TEST(SealedFileStore, RoundTripAndNothingInClearOnDisk) {
  SealedStoreDir dir;
  const std::string key = RandomKey();
  auto store = SealedStore(dir.path(), key);
  const std::string content = Document();
  auto reference = store->Put(content);
  ASSERT_TRUE(reference) << reference.error().message;
  EXPECT_EQ(*reference, "sha256:" + core::Sha256Hex(content) + ":" + std::to_string(content.size()))
      << "the column still holds the plain reference";
  auto read = store->Get(*reference);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, content);

  const auto files = FilesUnder(dir.path());
  ASSERT_EQ(files.size(), 1u);
  const std::string sha = core::Sha256Hex(content);
  EXPECT_EQ(files[0].string().find(sha), std::string::npos) << "the path must not be the plaintext SHA-256";
  EXPECT_EQ(files[0].filename().string().size(), 64u);
  EXPECT_EQ(files[0].parent_path().filename().string(), files[0].filename().string().substr(0, 2));
  const std::string on_disk = ReadAll(files[0]);
  EXPECT_EQ(on_disk.find("CONFIDENTIAL"), std::string::npos) << "the content is encrypted";
  EXPECT_EQ(on_disk.find(sha), std::string::npos) << "the SHA-256 inside is encrypted too";
  EXPECT_EQ(on_disk.size(), TenantFileSealing(key).SealedSize(content.size()));

  // The same content again is stored once; another store of the same key reads it.
  ASSERT_TRUE(store->Put(content));
  EXPECT_EQ(FilesUnder(dir.path()).size(), 1u);
  auto again = SealedStore(dir.path(), key)->Get(*reference);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, content);
}

TEST(SealedFileStore, EmptyContentRoundTrips) {
  SealedStoreDir dir;
  auto store = SealedStore(dir.path(), RandomKey());
  auto reference = store->Put("");
  ASSERT_TRUE(reference);
  auto read = store->Get(*reference);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, "");
}

TEST(SealedFileStore, AlteredFileIsRefused) {
  SealedStoreDir dir;
  auto store = SealedStore(dir.path(), RandomKey());
  auto reference = store->Put(Document());
  ASSERT_TRUE(reference);
  const fs::path file = FilesUnder(dir.path()).at(0);
  std::string bytes = ReadAll(file);
  bytes[bytes.size() / 2] ^= 0x01;
  WriteAll(file, bytes);
  auto read = store->Get(*reference);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, core::ErrorCode::kInternal);
}

TEST(SealedFileStore, TruncatedFileIsRefused) {
  SealedStoreDir dir;
  auto store = SealedStore(dir.path(), RandomKey());
  auto reference = store->Put(Document());
  ASSERT_TRUE(reference);
  const fs::path file = FilesUnder(dir.path()).at(0);
  const std::string bytes = ReadAll(file);
  // At a chunk boundary (the final chunk dropped) and inside a chunk.
  for (std::size_t keep : {std::size_t{20} + 3 * (kFileSealingChunkBytes + 16), bytes.size() - 1}) {
    WriteAll(file, bytes.substr(0, keep));
    auto read = store->Get(*reference);
    ASSERT_FALSE(read) << "kept " << keep << " bytes";
    EXPECT_EQ(read.error().code, core::ErrorCode::kInternal);
  }
}

TEST(SealedFileStore, FileSwappedForAnotherIsRefused) {
  SealedStoreDir dir;
  auto store = SealedStore(dir.path(), RandomKey());
  auto invoice = store->Put("invoice 1: 100 EUR");
  auto other = store->Put("invoice 2: 999999 EUR");
  ASSERT_TRUE(invoice && other);
  auto files = FilesUnder(dir.path());
  ASSERT_EQ(files.size(), 2u);
  // Whichever file is the invoice's, put the other's bytes in its place.
  const std::string first = ReadAll(files[0]);
  WriteAll(files[0], ReadAll(files[1]));
  auto read_invoice = store->Get(*invoice);
  auto read_other = store->Get(*other);
  EXPECT_FALSE(read_invoice && read_other) << "the swapped file must not open under the other's name";
  WriteAll(files[0], first);
  EXPECT_TRUE(store->Get(*invoice));
  EXPECT_TRUE(store->Get(*other));
}

TEST(SealedFileStore, WrongKeyIsRefused) {
  SealedStoreDir dir;
  const std::string key = RandomKey();
  auto reference = SealedStore(dir.path(), key)->Put("a contract");
  ASSERT_TRUE(reference);
  // Another key names the file otherwise (not found)...
  auto read = SealedStore(dir.path(), RandomKey())->Get(*reference);
  ASSERT_FALSE(read);
  // ...and does not open it under its own name either.
  const fs::path file = FilesUnder(dir.path()).at(0);
  auto opened = TenantFileSealing(RandomKey()).OpenNamed(file.filename().string(), ReadAll(file));
  EXPECT_FALSE(opened);
  auto right = TenantFileSealing(key).OpenNamed(file.filename().string(), ReadAll(file));
  ASSERT_TRUE(right) << right.error().message;
  EXPECT_EQ(right->content, "a contract");
  EXPECT_EQ(right->sha256_hex, core::Sha256Hex("a contract")) << "a backup recovers the reference from the file";
}

TEST(SealedFileStore, NamesAreKeyedAndDeterministic) {
  const std::string key = RandomKey();
  const std::string sha = core::Sha256Hex("x");
  EXPECT_EQ(*TenantFileSealing(key).FileName(sha), *TenantFileSealing(key).FileName(sha));
  EXPECT_NE(*TenantFileSealing(key).FileName(sha), *TenantFileSealing(RandomKey()).FileName(sha));
  EXPECT_NE(*TenantFileSealing(key).FileName(sha), sha);
  EXPECT_FALSE(TenantFileSealing(key).FileName("../../etc/passwd"));
}

TEST(SealedFileStore, GarbageCollectionKeepsLiveSealedFiles) {
  SealedStoreDir dir;
  orm::FileStoreOptions options;
  options.sealing = std::make_shared<TenantFileSealing>(RandomKey());
  options.garbage_grace = std::chrono::seconds(0);
  orm::FileStore store(dir.path(), core::RealFileSystem::Instance(), options);
  auto live = store.Put("live");
  auto dead = store.Put("dead");
  ASSERT_TRUE(live && dead);
  auto report = store.CollectGarbage({*live});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->kept, 1u);
  EXPECT_EQ(report->removed, 1u);
  EXPECT_TRUE(store.Get(*live));
  EXPECT_FALSE(store.Get(*dead));
}

class TenantFileStoresTest : public ::testing::Test {
 protected:
  TenantFileStoresTest() : master_(std::string(32, '\x07')) {
    options_.root = dir_.path() + "/filestore";
    options_.key_directory = dir_.path() + "/keys";
    options_.retry_missing_key = std::chrono::seconds(0);
  }
  SealedStoreDir dir_;
  backup::MasterKey master_;
  TenantFileStoresOptions options_;
};

TEST_F(TenantFileStoresTest, SealsUnderTheTenantKeyAndRefusesWithoutIt) {
  backup::TenantKeyStore keys(options_.key_directory, master_, {});
  ASSERT_TRUE(keys.Create("t_alpha"));
  TenantFileStores stores(options_, master_);

  orm::FileStore& alpha = stores.For("t_alpha");
  EXPECT_EQ(&alpha, &stores.For("t_alpha")) << "one store per tenant";
  EXPECT_EQ(alpha.root(), options_.root + "/t_alpha");
  auto reference = alpha.Put("alpha's logo");
  ASSERT_TRUE(reference) << reference.error().message;
  EXPECT_EQ(*alpha.Get(*reference), "alpha's logo");

  // No key: every use is refused with a message a client may read.
  auto missing = stores.For("t_beta").Put("x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_NE(missing.error().message.find("missing"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(stores.For("t_beta").CollectGarbage({})) << "never collects without a key";
  EXPECT_FALSE(stores.For("../t_alpha").Get(*reference)) << "a name that is not a database name gets nothing";

  // The key made later (another process) is found on the next lookup.
  ASSERT_TRUE(keys.Create("t_beta"));
  EXPECT_TRUE(stores.For("t_beta").Put("x"));

  // Destroyed: a new server process refuses alpha's files, which stay sealed.
  ASSERT_TRUE(keys.Destroy("t_alpha"));
  TenantFileStores after_drop(options_, master_);
  auto gone = after_drop.For("t_alpha").Get(*reference);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_NE(gone.error().message.find("destroyed"), std::string::npos) << gone.error().message;
}

}  // namespace
}  // namespace citadel::platform
