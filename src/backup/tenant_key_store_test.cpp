#include "backup/tenant_key_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "backup/local_directory_site.hpp"
#include "core/random.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;

MasterKey RandomMaster() {
  auto key = ParseMasterKey(core::RandomHex(32), "test");
  return *key;
}

class TenantKeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/citadel-keys-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    site_a_ = std::make_unique<LocalDirectorySite>(dir_ + "/site-a");
    site_b_ = std::make_unique<LocalDirectorySite>(dir_ + "/site-b");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  TenantKeyStore Store(const MasterKey& master, bool with_b = true) {
    std::vector<NamedSite> sites{{"a", site_a_.get()}};
    if (with_b) sites.push_back({"b", site_b_.get()});
    return TenantKeyStore(dir_ + "/local", master, sites);
  }
  std::vector<std::string> SiteKeys(const std::string& site) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/" + site + "/keys", ec)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
  std::unique_ptr<LocalDirectorySite> site_a_, site_b_;
};

TEST_F(TenantKeyStoreTest, KeysAreKeptLocallyAndOnEverySite) {
  MasterKey master = RandomMaster();
  auto store = Store(master);
  std::vector<SiteOutcome> outcomes;
  auto created = store.Create("t_abc", &outcomes);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_EQ(created->bytes.size(), 32u);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_TRUE(outcomes[0].ok && outcomes[1].ok);
  EXPECT_EQ(SiteKeys("site-a"), std::vector<std::string>{"t_abc." + master.id() + ".key"});
  EXPECT_EQ(store.Create("t_abc").error().code, ErrorCode::kAlreadyExists);

  // The record holds no key in clear.
  std::ifstream in(dir_ + "/local/t_abc.key");
  std::string record((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(record.find(created->bytes), std::string::npos);

  // Losing this machine's copy loses nothing: it comes back from a site.
  std::filesystem::remove(dir_ + "/local/t_abc.key");
  auto again = Store(master).Get("t_abc");
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->bytes, created->bytes);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/local/t_abc.key"));
}

TEST_F(TenantKeyStoreTest, AlteredOrMisplacedRecordsAndOtherMasterKeysAreRefused) {
  MasterKey master = RandomMaster();
  auto store = Store(master);
  ASSERT_TRUE(store.Create("t_one").has_value());
  ASSERT_TRUE(store.Create("t_two").has_value());
  // t_two's record copied over t_one's: names another tenant.
  std::filesystem::copy_file(dir_ + "/local/t_two.key", dir_ + "/local/t_one.key",
                             std::filesystem::copy_options::overwrite_existing);
  auto swapped = store.Get("t_one");
  ASSERT_FALSE(swapped.has_value());
  EXPECT_NE(swapped.error().message.find("another tenant"), std::string::npos);

  // One character of the wrapped key changed.
  std::ifstream in(dir_ + "/local/t_two.key");
  std::string record((std::istreambuf_iterator<char>(in)), {});
  auto at = record.find("\"wrapped\":\"") + 20;
  record[at] = record[at] == 'A' ? 'B' : 'A';
  std::ofstream(dir_ + "/local/t_two.key") << record;
  EXPECT_FALSE(store.Get("t_two").has_value());

  auto other = Store(RandomMaster()).Get("t_two");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(TenantKeyStoreTest, DestroyRemovesTheKeyEverywhereAndForever) {
  MasterKey master = RandomMaster();
  auto store = Store(master);
  ASSERT_TRUE(store.Create("t_gone").has_value());
  ASSERT_TRUE(store.Create("t_kept").has_value());
  auto destroyed = store.Destroy("t_gone");
  ASSERT_TRUE(destroyed.has_value());
  for (const auto& outcome : *destroyed) EXPECT_TRUE(outcome.ok) << outcome.site << ": " << outcome.detail;
  EXPECT_EQ(SiteKeys("site-a"), std::vector<std::string>{"t_kept." + master.id() + ".key"});
  EXPECT_EQ(SiteKeys("site-b"), std::vector<std::string>{"t_kept." + master.id() + ".key"});
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/local/t_gone.key"));
  EXPECT_EQ(store.Get("t_gone").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(store.Create("t_gone").error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(store.Get("t_kept").has_value());
}

TEST_F(TenantKeyStoreTest, ASiteUnreachableAtDestructionIsCleanedByReplicate) {
  MasterKey master = RandomMaster();
  ASSERT_TRUE(Store(master).Create("t_gone").has_value());
  // Site b is "down" during the destruction: the store does not know it.
  auto partial = Store(master, /*with_b=*/false).Destroy("t_gone");
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(SiteKeys("site-b").size(), 1u);
  auto store = Store(master);
  for (const auto& outcome : store.Replicate()) EXPECT_TRUE(outcome.ok) << outcome.detail;
  EXPECT_TRUE(SiteKeys("site-b").empty());
  EXPECT_EQ(store.Get("t_gone").error().code, ErrorCode::kPermissionDenied);
}

TEST_F(TenantKeyStoreTest, ReplicatePushesKeysASiteMissed) {
  MasterKey master = RandomMaster();
  ASSERT_TRUE(Store(master, /*with_b=*/false).Create("t_late").has_value());
  EXPECT_TRUE(SiteKeys("site-b").empty());
  Store(master).Replicate();
  EXPECT_EQ(SiteKeys("site-b"), std::vector<std::string>{"t_late." + master.id() + ".key"});
}

TEST_F(TenantKeyStoreTest, RotationRewrapsEveryKeyUnderTheNewMasterKey) {
  MasterKey old_master = RandomMaster();
  MasterKey new_master = RandomMaster();
  auto store = Store(old_master);
  auto one = store.Create("t_one");
  ASSERT_TRUE(one.has_value());
  auto rotated = store.RotateMaster(new_master);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().message;
  for (const auto& outcome : *rotated) EXPECT_TRUE(outcome.ok) << outcome.detail;
  EXPECT_EQ(SiteKeys("site-a"), std::vector<std::string>{"t_one." + new_master.id() + ".key"});
  auto after = Store(new_master).Get("t_one");
  ASSERT_TRUE(after.has_value()) << after.error().message;
  EXPECT_EQ(after->bytes, one->bytes);  // the same tenant key: no backup is touched
  EXPECT_FALSE(Store(old_master).Get("t_one").has_value());
}

TEST(MasterKey, ParsingAndFilePermissions) {
  EXPECT_FALSE(ParseMasterKey("abc", "test").has_value());
  EXPECT_FALSE(ParseMasterKey(std::string(64, 'g'), "test").has_value());
  auto parsed = ParseMasterKey("  " + std::string(64, 'a') + "\n", "test");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->bytes(), std::string(32, '\xaa'));

  std::string path = std::filesystem::temp_directory_path().string() + "/citadel-master-" + core::RandomHex(6);
  auto created = CreateMasterKeyFile(path);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(CreateMasterKeyFile(path).error().code, ErrorCode::kAlreadyExists);
  ::unsetenv(kMasterKeyEnvironmentVariable);
  auto loaded = LoadMasterKey(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->id(), created->id());
  std::filesystem::permissions(path, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  auto loose = LoadMasterKey(path);
  ASSERT_FALSE(loose.has_value());
  EXPECT_NE(loose.error().message.find("chmod 600"), std::string::npos);
  std::filesystem::remove(path);
  EXPECT_EQ(LoadMasterKey(path).error().code, ErrorCode::kNotFound);
  ::setenv(kMasterKeyEnvironmentVariable, std::string(64, 'b').c_str(), 1);
  auto from_environment = LoadMasterKey(path);
  ::unsetenv(kMasterKeyEnvironmentVariable);
  ASSERT_TRUE(from_environment.has_value());
  EXPECT_EQ(from_environment->bytes(), std::string(32, '\xbb'));
}

}  // namespace
}  // namespace citadel::backup
